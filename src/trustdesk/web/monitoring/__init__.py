"""Monitoring: liveness and readiness probes for a load balancer, and Prometheus metrics.

Not a Django app (no models or templates): views, a middleware and checks that read the other
apps' state, so it sits above them in the app order.
"""
