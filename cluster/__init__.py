"""``make cluster``: the assistant as a small cluster on this machine (all on 127.0.0.1).

PostgreSQL (tracker store, tickets), Redis (lock store, socket.io client
manager), nginx (load balancer for Rasa and for the action servers), N Rasa
processes and N action servers, started as ordinary child processes with their
data under one directory. The modules each do one job:

- :mod:`cluster.config`: counts, ports, paths and secrets (from the environment);
- :mod:`cluster.process`: a child process run as an unprivileged user when we are root;
- :mod:`cluster.stores`: PostgreSQL and Redis;
- :mod:`cluster.balancer`: the nginx configuration and process;
- :mod:`cluster.schema`: tracker and ticket tables created once, before the servers start;
- :mod:`cluster.runner`: :class:`~cluster.runner.Cluster`, which starts and stops it all.
"""
