"""Stores Rasa loads by class name from endpoints.yml (the cluster's and Kubernetes')."""
