from gi.repository import Gtk
from PyQt5 import QtWidgets

class Canvas:
    def __init__(self):
        controller = Gtk.EventControllerScroll.new(0)
        controller.connect("scroll", self.scroll_event)
        bbox = QtWidgets.QDialogButtonBox()
        apply_btn = bbox.addButton(1)
        apply_btn.clicked.connect(self.apply)

    def scroll_event(self, *args):
        pass

    def apply(self):
        pass
# case: {"id": "registry-made-by-a-factory-or-an-owned-object"}
