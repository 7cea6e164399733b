"""Custom Rasa NLU components and runtime reports of this assistant."""
