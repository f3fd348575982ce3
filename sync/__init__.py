"""Synchronisation with the central inventory service: protocol models, the client engine
and the central service itself. Arrives with issue 3; until then terminals queue events in
their outbox (posclient.store.outbox) and nothing is sent.
"""
