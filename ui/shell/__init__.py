"""The application and its main window: start-up, menus, help, window size, logs; the window only
wires panels together."""
