"""YAML -> schema objects. The only place that reads YAML."""
