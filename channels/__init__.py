"""Custom Rasa channels of SI KoKoM (``channels.whatsapp.WhatsAppInput``)."""
