"""Plain tools every part uses: money, dates, errors, identity checks, spreadsheets, PDF, QR images, mail, whole files."""
