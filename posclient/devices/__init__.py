"""Devices: payment terminal, receipt printer, cash drawer."""
