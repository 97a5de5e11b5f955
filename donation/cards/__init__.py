"""Buying the cards: purchase batches, BHXH's D03-TS list, payment to BHXH and the cards imported back."""
