"""LL4xx: files, sockets, connections, processes and locks opened and never released."""
