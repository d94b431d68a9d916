"""One mixin per resource group; :class:`emivoy.Client` combines them."""
