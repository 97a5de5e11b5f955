"""Money in: payments recorded and confirmed by a second officer, bank statements reconciled, and the receipts each
confirmation issues: numbered without gaps, signed, printed, voided and reissued."""
