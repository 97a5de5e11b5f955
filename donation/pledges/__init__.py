"""Donors and their pledges: the states a pledge goes through, its code and VietQR, overdue instalments, its PDFs."""
