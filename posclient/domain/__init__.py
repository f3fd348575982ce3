"""Pure business rules: money, barcodes, cart, pricing, tax, tenders.

No I/O, no clock reads, no Qt, no database: every input is passed in.
"""
