"""The render pipeline's parts: path gate and partitioners (pure), frame dispenser, buffer ring,
reorder fence."""
