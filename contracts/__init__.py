"""Public contracts: the entities nodes exchange, and the typed gateway clients to fetch them.

`contracts.core` holds Status and Statuses; `contracts.workflows` holds Package, PackageStates,
PackageData and WorkflowsGateway. Any node may import them; they import no node. The abstract
models need Django's app registry, so import these modules from a node's models or later.
A node that shows the contract's states adds "contracts" to INSTALLED_APPS for `contracts/states.css`
(their badge colours).
"""
