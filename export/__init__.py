"""Outputs: projectfiches, energyboard atlas, programme lists."""
