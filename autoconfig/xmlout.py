"""Serialisation of the XML answers (ElementTree escapes every text and attribute)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def serialize(root: ET.Element) -> bytes:
    """Indented UTF-8 document with a standard XML declaration."""
    ET.indent(root)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"
