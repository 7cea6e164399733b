"""The Italian e-mail an agent receives for a notification (pure rendering)."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from escalation.payload import EVENT_CONTACT
from escalation.reasons import SHORT_REASONS

SENDER_LABELS = {"user": "Cliente", "bot": "Assistente", "agent": "Operatore"}
CONTACT_LABELS = {"email": "e-mail", "phone": "telefono"}


def office_timezone() -> str:
    """The support desk's timezone from the provider settings (Europe/Rome)."""
    try:
        from settings import load_settings

        return load_settings().office_hours.timezone or "Europe/Rome"
    except Exception:  # settings are optional here: fall back to Italy
        return "Europe/Rome"


def _local(iso: str | None, zone: ZoneInfo, with_date: bool = True) -> str:
    if not iso:
        return "-"
    try:
        moment = datetime.fromisoformat(iso).astimezone(zone)
    except ValueError:
        return iso
    return moment.strftime("%d/%m/%Y %H:%M:%S" if with_date else "%H:%M:%S")


def _message_id(key: str, from_addr: str) -> str:
    domain = parseaddr(from_addr)[1].rpartition("@")[2] or "escalation.invalid"
    return f"<{key}@{domain}>"


def subject(payload: dict[str, Any]) -> str:
    """Italian subject line, starting with the ticket reference."""
    ticket = payload["ticket"]
    if payload["event"] == EVENT_CONTACT:
        return f"[{ticket['reference']}] Il cliente ha lasciato un recapito"
    reason = SHORT_REASONS.get(ticket["reason"], ticket["reason"])
    return f"[{ticket['reference']}] Assistenza: {reason}"


def body(payload: dict[str, Any], timezone_name: str = "Europe/Rome") -> str:
    """Plain-text Italian body with everything the agent needs."""
    zone = ZoneInfo(timezone_name)
    ticket = payload["ticket"]
    contact = ticket.get("contact")
    contact_text = (
        f"{CONTACT_LABELS.get(contact['kind'], contact['kind'])}: {contact['value']}"
        if contact
        else "non indicato"
    )
    intro = (
        "Il cliente ha lasciato un recapito per essere ricontattato."
        if payload["event"] == EVENT_CONTACT
        else "L'assistente virtuale ha passato una conversazione al supporto."
    )
    lines: list[str] = [
        intro,
        "",
        f"Riferimento: {ticket['reference']}",
        f"Aperta il: {_local(ticket['created_at'], zone)} ({timezone_name})",
        f"Motivo: {ticket['reason_text']}",
        f"Pagina del sito: {ticket.get('page_url') or 'non nota'}",
        f"Recapito del cliente: {contact_text}",
        f"Console operatori: {ticket['console_url']}",
        "",
        "SITUAZIONE DEL CLIENTE",
        f"- Protocollo: {ticket.get('protocol') or 'non noto'}",
        f"- Dispositivi: {', '.join(ticket.get('devices') or []) or 'non noti'}",
        f"- Programma di posta: {ticket.get('mail_client') or 'non noto'}",
        "",
        "RIEPILOGO",
        ticket.get("summary") or "-",
        "",
        "ULTIMI INTENTI RICONOSCIUTI (confidenza)",
    ]
    for intent in ticket.get("intents") or []:
        confidence = intent.get("confidence")
        share = f"{confidence:.0%}" if isinstance(confidence, (int, float)) else "n.d."
        lines.append(f"- {intent['name']}: {share}")
    if not ticket.get("intents"):
        lines.append("- nessuno")
    lines += ["", "CONVERSAZIONE COMPLETA"]
    for line in ticket.get("transcript") or []:
        who = SENDER_LABELS.get(line.get("sender"), line.get("sender"))
        if line.get("agent"):
            who = f"{who} {line['agent']}"
        lines.append(f"[{_local(line.get('time'), zone, with_date=False)}] {who}: {line['text']}")
    lines += [
        "",
        "Le password scritte dal cliente sono state oscurate (********).",
        f"Chiave di idempotenza: {payload['idempotency_key']}",
    ]
    return "\n".join(lines) + "\n"


def render_email(
    payload: dict[str, Any],
    from_addr: str,
    to_addrs: list[str],
    timezone_name: str | None = None,
) -> EmailMessage:
    """The complete message; Message-ID derives from the idempotency key."""
    ticket = payload["ticket"]
    message = EmailMessage()
    message["Subject"] = subject(payload)
    message["From"] = from_addr
    message["To"] = ", ".join(to_addrs)
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = _message_id(payload["idempotency_key"], from_addr)
    thread = payload.get("thread_key")
    if thread and thread != payload["idempotency_key"]:
        parent = _message_id(thread, from_addr)
        message["In-Reply-To"] = parent
        message["References"] = parent
    contact = ticket.get("contact")
    if contact and contact.get("kind") == "email":
        message["Reply-To"] = contact["value"]
    message["X-Ticket-Reference"] = ticket["reference"]
    message["X-Idempotency-Key"] = payload["idempotency_key"]
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body(payload, timezone_name or office_timezone()))
    return message
