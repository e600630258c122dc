"""The library panel (events and films), importing by drop or menu, film pictures, the event's
day."""
