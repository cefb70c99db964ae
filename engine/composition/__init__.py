"""Reading a composition (HTML) into an immutable render plan."""
