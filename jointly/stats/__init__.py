"""Pure statistical calculations (no Django imports allowed in this package).

Everything here works on numpy arrays / pandas frames so that many series or
rows are computed at once, and is checked against ../shared/reference/.
"""
