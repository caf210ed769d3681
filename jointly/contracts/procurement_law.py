"""Which procurement law applied, by who buys, what they buy and when the procurement began.

Pure Python (no Django): the model's ``clean``, the API and the data migration all ask this
module, so a form and the API refuse the same wrong route with the same message.

The law, as Jointly records it (RESOLUTIONS 18):

=================================  ==========================================================
from                               what changes
=================================  ==========================================================
31 January 2006                    Public Contracts Regulations 2006 (PCR 2006). Health and
                                   social services are *Part B* services: no set procedure.
1 April 2013                       NHS (Procurement, Patient Choice and Competition) (No. 2)
                                   Regulations 2013 bind NHS commissioners (CCGs, later ICBs,
                                   and NHS England) when they buy health care. They add duties
                                   (transparency, treating providers equally, no conflicts)
                                   on top of the public contracts rules; they set no procedure.
26 February 2015                   PCR 2015 for councils and for everything else NHS bodies
                                   buy; health and social services fall under its
                                   *light-touch regime*.
18 April 2016                      NHS bodies' health care moves from PCR 2006 Part B to the
                                   PCR 2015 light-touch regime.
1 January 2024                     Provider Selection Regime (PSR) for relevant authorities'
                                   health care services (NHS England, ICBs, NHS trusts and
                                   councils, public health included); the 2013 NHS
                                   regulations are revoked.
24 February 2025                   Procurement Act 2023 replaces PCR 2015 for procurements
                                   begun from that day (health care under the PSR excepted).
=================================  ==========================================================

A procurement stays under the law in force on the day it *began*: one begun on 25 February
2015 runs to its end under PCR 2006.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

PCR_2006_START = dt.date(2006, 1, 31)
NHS_PPCC_START = dt.date(2013, 4, 1)
PCR_2015_START = dt.date(2015, 2, 26)
NHS_HEALTHCARE_PCR_2015_START = dt.date(2016, 4, 18)
PSR_START = dt.date(2024, 1, 1)
PA_2023_START = dt.date(2025, 2, 24)


class Buyer(StrEnum):
    """Who buys, as the law tells buyers apart."""

    COUNCIL = "council"  # a local authority (its Public Health directorate included)
    NHS_COMMISSIONER = "nhs_commissioner"  # a CCG or an ICB (or a CSU buying for one)
    NHS_ENGLAND = "nhs_england"  # NHS England, its area teams and regions
    NHS_TRUST = "nhs_trust"  # an NHS trust or foundation trust buying as a contracting authority
    OTHER = "other"  # another contracting authority (a school, the police)


BUYER_FROM_ORGANISATION_KIND = {
    "council": Buyer.COUNCIL,
    "district_council": Buyer.COUNCIL,
    "public_health": Buyer.COUNCIL,
    "ccg": Buyer.NHS_COMMISSIONER,
    "icb": Buyer.NHS_COMMISSIONER,
    "csu": Buyer.NHS_COMMISSIONER,
    "nhs_england": Buyer.NHS_ENGLAND,
    "nhs_trust": Buyer.NHS_TRUST,
}

NHS_BUYERS = frozenset({Buyer.NHS_COMMISSIONER, Buyer.NHS_ENGLAND, Buyer.NHS_TRUST})


def buyer_for(organisation_kind: str | None) -> Buyer | None:
    """The buyer kind of an organisation kind; None when no organisation is named."""
    if not organisation_kind:
        return None
    return BUYER_FROM_ORGANISATION_KIND.get(organisation_kind, Buyer.OTHER)


class ServiceKind(StrEnum):
    HEALTHCARE = "healthcare"  # health care services (public health included)
    SOCIAL = "social"  # social, education and other services of the light-touch kind
    OTHER = "other"  # other services and goods: the full procedures


class Regime(StrEnum):
    PCR_2006 = "pcr_2006"
    PCR_2006_PART_B = "pcr_2006_part_b"
    NHS_PPCC_2013 = "nhs_ppcc_2013"
    PCR_2015 = "pcr_2015"
    PCR_2015_LIGHT_TOUCH = "pcr_2015_light_touch"
    PSR = "psr"
    PA_2023 = "pa_2023"


REGIME_LABELS = {
    Regime.PCR_2006: "Public Contracts Regulations 2006",
    Regime.PCR_2006_PART_B: "Public Contracts Regulations 2006 (Part B services)",
    Regime.NHS_PPCC_2013: "NHS (Procurement, Patient Choice and Competition) (No. 2) Regulations 2013",
    Regime.PCR_2015: "Public Contracts Regulations 2015",
    Regime.PCR_2015_LIGHT_TOUCH: "Public Contracts Regulations 2015 (light-touch regime)",
    Regime.PSR: "Provider Selection Regime",
    Regime.PA_2023: "Procurement Act 2023",
}

# Regimes that add duties but set no procedure of their own.
OVERLAYS = frozenset({Regime.NHS_PPCC_2013})


@dataclass(frozen=True)
class Route:
    code: str
    label: str
    regimes: frozenset[Regime]  # the route is a procedure of these regimes


_PCR = frozenset({Regime.PCR_2006, Regime.PCR_2006_PART_B, Regime.PCR_2015, Regime.PCR_2015_LIGHT_TOUCH})


def _r(code: str, label: str, *regimes: Regime) -> Route:
    return Route(code, label, frozenset(regimes))


ROUTES: tuple[Route, ...] = (
    _r("pcr06_open", "PCR 2006: open procedure", Regime.PCR_2006),
    _r("pcr06_restricted", "PCR 2006: restricted procedure", Regime.PCR_2006),
    _r("pcr06_negotiated", "PCR 2006: negotiated procedure", Regime.PCR_2006),
    _r("pcr06_dialogue", "PCR 2006: competitive dialogue", Regime.PCR_2006),
    _r("pcr06b_advertised", "PCR 2006 Part B service: advertised competition", Regime.PCR_2006_PART_B),
    _r("pcr06b_invited", "PCR 2006 Part B service: competition among invited providers", Regime.PCR_2006_PART_B),
    _r("pcr06b_direct", "PCR 2006 Part B service: award without competition", Regime.PCR_2006_PART_B),
    _r("pcr15_open", "PCR 2015: open procedure", Regime.PCR_2015),
    _r("pcr15_restricted", "PCR 2015: restricted procedure", Regime.PCR_2015),
    _r("pcr15_negotiation", "PCR 2015: competitive procedure with negotiation", Regime.PCR_2015),
    _r("pcr15_dialogue", "PCR 2015: competitive dialogue", Regime.PCR_2015),
    _r("pcr15_no_notice", "PCR 2015: negotiated procedure without prior publication", Regime.PCR_2015),
    _r("pcr15_ltr", "PCR 2015 light-touch regime: advertised procedure", Regime.PCR_2015_LIGHT_TOUCH),
    _r(
        "pcr15_ltr_no_notice",
        "PCR 2015 light-touch regime: award without prior publication",
        Regime.PCR_2015_LIGHT_TOUCH,
    ),
    Route("pcr_framework", "Public Contracts Regulations: call-off from a framework", _PCR),
    _r("psr_direct_a", "Provider Selection Regime: direct award process A", Regime.PSR),
    _r("psr_direct_b", "Provider Selection Regime: direct award process B", Regime.PSR),
    _r("psr_direct_c", "Provider Selection Regime: direct award process C", Regime.PSR),
    _r("psr_most_suitable", "Provider Selection Regime: most suitable provider process", Regime.PSR),
    _r("psr_competitive", "Provider Selection Regime: competitive process", Regime.PSR),
    _r("pa23_open", "Procurement Act 2023: open procedure", Regime.PA_2023),
    _r("pa23_flexible", "Procurement Act 2023: competitive flexible procedure", Regime.PA_2023),
    _r("pa23_direct", "Procurement Act 2023: direct award", Regime.PA_2023),
    _r("pa23_framework", "Procurement Act 2023: call-off from a framework", Regime.PA_2023),
    Route("extension", "Extension or variation of an existing contract", frozenset(Regime)),
)  # fmt: skip

ROUTES_BY_CODE = {r.code: r for r in ROUTES}
ALWAYS_ALLOWED = frozenset({"extension"})


def regimes_in_force(
    buyer: Buyer, day: dt.date, service: ServiceKind = ServiceKind.HEALTHCARE
) -> list[Regime]:
    """The regimes that governed a procurement by ``buyer`` of ``service`` begun on ``day``.

    The first regime sets the procedure; overlays (the 2013 NHS regulations) follow it.
    Empty before PCR 2006 came into force (Jointly does not record older law).
    """
    if day < PCR_2006_START:
        return []
    healthcare = service == ServiceKind.HEALTHCARE
    if healthcare and day >= PSR_START and buyer != Buyer.OTHER:
        return [Regime.PSR]
    regimes = [_public_contracts_regime(buyer, day, service)]
    if (
        healthcare
        and buyer in (Buyer.NHS_COMMISSIONER, Buyer.NHS_ENGLAND)
        and NHS_PPCC_START <= day < PSR_START
    ):
        regimes.append(Regime.NHS_PPCC_2013)
    return regimes


def _public_contracts_regime(buyer: Buyer, day: dt.date, service: ServiceKind) -> Regime:
    if day >= PA_2023_START:
        return Regime.PA_2023
    light = service != ServiceKind.OTHER
    pcr_2015_from = PCR_2015_START
    if buyer in NHS_BUYERS and service == ServiceKind.HEALTHCARE:
        pcr_2015_from = NHS_HEALTHCARE_PCR_2015_START
    if day < pcr_2015_from:
        return Regime.PCR_2006_PART_B if light else Regime.PCR_2006
    return Regime.PCR_2015_LIGHT_TOUCH if light else Regime.PCR_2015


def routes_allowed(
    buyer: Buyer | None, day: dt.date, service: ServiceKind = ServiceKind.HEALTHCARE
) -> list[Route]:
    """Routes open to ``buyer`` on ``day``, in catalogue order (any buyer's when unknown)."""
    buyers = [buyer] if buyer is not None else list(Buyer)
    regimes = {r for b in buyers for r in regimes_in_force(b, day, service)}
    return [r for r in ROUTES if r.code in ALWAYS_ALLOWED or r.regimes & regimes]


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def describe(buyer: Buyer | None, day: dt.date, service: ServiceKind = ServiceKind.HEALTHCARE) -> str:
    """'Public Contracts Regulations 2006 (Part B services) and NHS (...) Regulations 2013'."""
    buyers = [buyer] if buyer is not None else list(Buyer)
    seen: list[Regime] = []
    for b in buyers:
        seen += [r for r in regimes_in_force(b, day, service) if r not in seen]
    if not seen:
        return "no regime Jointly records (before 31 January 2006)"
    return " and ".join(REGIME_LABELS[r] for r in seen)


_BUYER_WORDS = {
    Buyer.COUNCIL: "a council",
    Buyer.NHS_COMMISSIONER: "a CCG or ICB",
    Buyer.NHS_ENGLAND: "NHS England",
    Buyer.NHS_TRUST: "an NHS trust",
    Buyer.OTHER: "this buyer",
}

_SERVICE_WORDS = {
    ServiceKind.HEALTHCARE: "health care services",
    ServiceKind.SOCIAL: "social and other light-touch services",
    ServiceKind.OTHER: "other services",
}


def route_problem(
    route: str, buyer: Buyer | None, day: dt.date | None, service: ServiceKind = ServiceKind.HEALTHCARE
) -> str | None:
    """Why ``route`` was not open to ``buyer`` buying ``service`` from ``day``; None when it was."""
    known = ROUTES_BY_CODE.get(route)
    if known is None:
        return f"{route!r} is not a procurement route Jointly knows."
    if route in ALWAYS_ALLOWED:
        return None
    if day is None:
        return "Give the date the procurement began (or will begin): the route depends on the law then."
    if any(r.code == route for r in routes_allowed(buyer, day, service)):
        return None
    who = _BUYER_WORDS[buyer] if buyer is not None else "any buyer"
    allowed = [r.label for r in routes_allowed(buyer, day, service) if r.code not in ALWAYS_ALLOWED]
    hint = f" Routes of that time: {'; '.join(allowed)}." if allowed else ""
    return (
        f"“{known.label}” was not a route for {who} buying {_SERVICE_WORDS[service]} in a procurement "
        f"begun on {_long_date(day)}: the law then was {describe(buyer, day, service)}.{hint}"
    )


# What a route of one time becomes at another: the same kind of procedure under the law then.
_EQUIVALENT_KIND = {
    "pcr06_open": "open", "pcr06_restricted": "invited", "pcr06_negotiated": "negotiated",
    "pcr06_dialogue": "negotiated", "pcr06b_advertised": "open", "pcr06b_invited": "invited",
    "pcr06b_direct": "direct", "pcr15_open": "open", "pcr15_restricted": "invited",
    "pcr15_negotiation": "negotiated", "pcr15_dialogue": "negotiated", "pcr15_no_notice": "direct",
    "pcr15_ltr": "open", "pcr15_ltr_no_notice": "direct", "pcr_framework": "framework",
    "psr_direct_a": "direct", "psr_direct_b": "direct", "psr_direct_c": "direct",
    "psr_most_suitable": "invited", "psr_competitive": "open", "pa23_open": "open",
    "pa23_flexible": "negotiated", "pa23_direct": "direct", "pa23_framework": "framework",
}  # fmt: skip

_ROUTE_FOR_KIND = {
    Regime.PCR_2006: {"open": "pcr06_open", "invited": "pcr06_restricted", "negotiated": "pcr06_negotiated",
                      "direct": "pcr06_negotiated", "framework": "pcr_framework"},
    Regime.PCR_2006_PART_B: {"open": "pcr06b_advertised", "invited": "pcr06b_invited",
                             "negotiated": "pcr06b_advertised", "direct": "pcr06b_direct",
                             "framework": "pcr_framework"},
    Regime.PCR_2015: {"open": "pcr15_open", "invited": "pcr15_restricted", "negotiated": "pcr15_negotiation",
                      "direct": "pcr15_no_notice", "framework": "pcr_framework"},
    Regime.PCR_2015_LIGHT_TOUCH: {"open": "pcr15_ltr", "invited": "pcr15_ltr", "negotiated": "pcr15_ltr",
                                  "direct": "pcr15_ltr_no_notice", "framework": "pcr_framework"},
    Regime.PSR: {"open": "psr_competitive", "invited": "psr_most_suitable", "negotiated": "psr_competitive",
                 "direct": "psr_direct_c", "framework": "psr_competitive"},
    Regime.PA_2023: {"open": "pa23_open", "invited": "pa23_flexible", "negotiated": "pa23_flexible",
                     "direct": "pa23_direct", "framework": "pa23_framework"},
}  # fmt: skip


def equivalent_route(
    route: str, buyer: Buyer | None, day: dt.date | None, service: ServiceKind = ServiceKind.HEALTHCARE
) -> str:
    """``route`` if it was open then; otherwise the same kind of procedure under the law then.

    Used by the data migration and by imports (an OCDS "open" tender of 2014 is a PCR 2006 one).
    Unchanged when the date or the law is unknown.
    """
    if day is None or route_problem(route, buyer, day, service) is None:
        return route
    kind = _EQUIVALENT_KIND.get(route)
    regimes = [r for r in regimes_in_force(buyer or Buyer.COUNCIL, day, service) if r not in OVERLAYS]
    if kind is None or not regimes:
        return route
    return _ROUTE_FOR_KIND[regimes[0]][kind]
