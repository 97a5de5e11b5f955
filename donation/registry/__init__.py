"""Nominations: the form and the spreadsheet, priority, public posting, objections and the province's review."""
