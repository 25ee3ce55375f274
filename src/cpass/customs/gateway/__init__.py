"""Customs gateway adapters: the interface, the Single Window XML and UN/EDIFACT formats, the sandbox customs,
receipts and the quarantine. See docs/customs/gateway.md."""
