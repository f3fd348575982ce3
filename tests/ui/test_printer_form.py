"""The settings' printer form: its paper choice does not hide the widget's own ``width()``
(the combo box was named ``width``, so ``form.width()`` raised "not callable")."""

from __future__ import annotations

from posclient.ui.settings import PrinterForm


def test_the_printer_form_keeps_qwidget_width_and_its_paper_choice(qtbot):
    form = PrinterForm({"kind": "file", "path": "/dev/usb/lp0", "width": 32})
    qtbot.addWidget(form)
    form.resize(400, 300)

    assert form.width() == 400
    assert form.value()["width"] == 32
