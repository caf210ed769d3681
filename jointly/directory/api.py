"""API for a Local Offer's information pages (Schedule 2 of the SEND Regulations 2014).

Routes (registered by :func:`register`): ``/api/v1/information-pages/`` (filters
``local_offer__slug``, ``topic``, ``published``; ``?partnership=SLUG`` the keeping partnership).
A page belongs to a Local Offer, and through it to the partnership that keeps the offer: people of
that partnership who see its contracts and services read every page, published or not; those who
edit directory entries (``EDIT_CONTRACTS``) change them. Providers and other partnerships see
nothing here (the published pages are public on the Local Offer itself). An update must send the
``version`` it read; a stale one is refused with 409.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.utils import timezone
from rest_framework import serializers
from rest_framework.routers import DefaultRouter

from jointly.accounts.permissions import Perm
from jointly.core import asat, scoping
from jointly.core import rules as core_rules
from jointly.core.api import PlainTextField, ScopedSlugRelatedField, ScopedViewSet, VersionedModelSerializer
from jointly.directory import facts, rules
from jointly.directory.models import InformationPage, LocalOffer
from jointly.partnerships.api import org_field

scoping.register(LocalOffer, "partnership", every=Perm.VIEW_CONTRACTS)
scoping.register(InformationPage, "local_offer__partnership", every=Perm.VIEW_CONTRACTS)


class InformationLinkSerializer(serializers.Serializer):
    label = PlainTextField(max_length=200)
    url = PlainTextField(max_length=500, help_text="An http:// or https:// address")


class InformationPageSerializer(VersionedModelSerializer):
    local_offer = ScopedSlugRelatedField(
        slug_field="slug", queryset=LocalOffer.objects.all(), help_text="The Local Offer's slug"
    )
    owner = org_field(help_text="The organisation that keeps the page current (a partnership member)")
    links = serializers.ListField(
        child=InformationLinkSerializer(), required=False, max_length=rules.MAX_LINKS
    )
    out_of_date = serializers.SerializerMethodField(
        help_text="Not checked within the Local Offer's freshness window, as at ?as_at= (default today)"
    )

    class Meta:
        model = InformationPage
        fields = [
            "id", "local_offer", "topic", "title", "slug", "summary", "body", "links", "contact", "owner",
            "last_checked", "out_of_date", "published", "illustrative", "source", "version",
        ]  # fmt: skip
        validators: list[Any] = []

    def _on(self) -> dt.date:
        if "_on" not in self.context:
            request = self.context.get("request")
            asked = asat.requested_as_at(request) if request is not None else None
            self.context["_on"] = asked or timezone.localdate()
        return self.context["_on"]

    def get_out_of_date(self, obj: InformationPage) -> bool:
        return facts.is_stale(obj.last_checked, obj.local_offer.freshness_days, self._on())

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        current = partial(core_rules.current, attrs, self.instance)
        offer, slug = current("local_offer"), current("slug") or ""
        duplicate = bool(slug) and (
            InformationPage.objects.filter(local_offer=offer, slug=slug)
            .exclude(pk=getattr(self.instance, "pk", None))
            .exists()
        )
        links = current("links")
        errors = rules.page_problems(
            title=current("title") or "", slug=slug, links=[] if links is None else links,
            duplicate_slug=duplicate,
        )  # fmt: skip
        owner = current("owner")
        if owner is not None and not offer.partnership.members.filter(organisation=owner).exists():
            errors["owner"] = f"{owner.name} is not a member of the partnership that keeps this Local Offer."
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class InformationPageViewSet(ScopedViewSet):
    """A Local Offer's information pages. Readers of the keeping partnership's contracts and
    services see them all, published or not; commissioners and partnership admins change them."""

    queryset = InformationPage.objects.select_related("local_offer__partnership", "owner")
    serializer_class = InformationPageSerializer
    read_perm = Perm.VIEW_CONTRACTS
    write_perm = Perm.EDIT_CONTRACTS
    partnership_path = "local_offer__partnership"
    filterset_fields = ["local_offer__slug", "topic", "published"]


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the v1 router."""
    router.register("information-pages", InformationPageViewSet)
