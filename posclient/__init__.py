"""Offline-first point-of-sale: the store till (posclient) and its layers.

Layers, dependencies pointing down only:
    ui -> app -> store/devices -> domain
See docs/architecture.md.
"""

__version__ = "0.1.0"
