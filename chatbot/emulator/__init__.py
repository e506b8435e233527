"""Local servers that speak the platforms' own protocols: for the demo, the tests and rehearsals."""
