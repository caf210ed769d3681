"""Pure chart geometry shared by every chart in Jointly (no Django, like ``jointly.stats``).

``axes`` holds the one tick algorithm, the linear scale and the number format that the needs
(spine, bars, trend, funnel) and performance (SPC, forecast) charts draw with.
"""
