"""LL2xx: instances, listeners, loggers and handlers registered with something that outlives them."""
