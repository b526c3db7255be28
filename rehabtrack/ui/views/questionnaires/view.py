"""The Questionnaires view: what is due, filling one in by keyboard, the scores so far, and after
therapy the maintenance phase with its recurrence watch.

Every score and judgement comes from core (``core.measures`` scores exactly as published,
``core.measure_series`` says what a score means, ``core.maintenance`` runs the recurrence watch); this
module only lays them out. Same input standards as the check-in: every answer reachable by Tab,
arrow keys or the answer's digit choose within an item, problems shown in words next to the item,
text that grows with the window's font.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.charts.marker_chart import MarkerChart
from rehabtrack.core.instruments import INSTRUMENTS
from rehabtrack.core.maintenance import CADENCES, MaintenancePlan, goals_met, recurrence_alerts, should_offer
from rehabtrack.core.meaningful_change import patient_thresholds, threshold_for
from rehabtrack.core.measure_series import (
    FILLED_IN,
    MeasureResult,
    day_text,
    due,
    family_instrument,
    measure_series,
    psfs_from_entries,
    score_keys,
    score_message,
    score_text,
)
from rehabtrack.core.model import GoalStatus
from rehabtrack.core.validation import InvalidInput
from rehabtrack.ui.changed import Changed
from rehabtrack.ui.commands import short_day
from rehabtrack.ui.dialogs.discharge import DischargeDialog
from rehabtrack.ui.dialogs.item_wording import ItemWordingDialog
from rehabtrack.ui.patient_session import PatientSession
from rehabtrack.ui.theme import current_chart_theme
from rehabtrack.ui.views.questionnaires.form import QuestionnaireForm
from rehabtrack.ui.views.questionnaires.history_model import MeasureHistoryModel
from rehabtrack.ui.widgets import (
    Button,
    ComboBox,
    FlowLayout,
    GrowingLabel,
    NoticeLabel,
    hint_label,
    scrolling_page,
)

FORM_MIN_LINES = 12  # the open form
SCORES_MIN_LINES = 11  # the scores table: its header and a few rows
FORM_SHARE_MAX = 60  # percent of the page's width an open form may take from the scores beside it
KEYS_HELP = (
    "Keys: Tab next item · ← → or the answer's number choose · Ctrl+S save · Esc close the form · "
    "Ctrl+N fill in the chosen questionnaire"
)


class QuestionnairesView(QWidget):
    """Questionnaires for one patient. ``result_saved`` carries the saved MeasureResult."""

    result_saved = Signal(object)
    status = Signal(str)

    def __init__(self, session: PatientSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.store = session.store
        self.patient_id = session.patient_id
        self.today = session.today
        self.form: QuestionnaireForm | None = None
        self.results: list[MeasureResult] = []
        self.setAccessibleName("Questionnaires")
        self._build()
        self.refresh()
        session.changed.connect(self._on_changed)

    def _on_changed(self, what: Changed) -> None:
        """Scores, the PSFS from the check-ins, the goals met and the maintenance plan all show here."""
        if what.touches_series() or what.goals or what.maintenance or what.thresholds:
            self.refresh()

    # Building ------------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = scrolling_page(self, "Questionnaires")
        self.alerts = NoticeLabel()
        self.alerts.setAccessibleDescription("Recurrence watch")
        outer.addWidget(self.alerts)

        top = QHBoxLayout()
        due_box = QGroupBox("Due")
        due_layout = QVBoxLayout(due_box)
        self.due_label = QLabel()
        self.due_label.setWordWrap(True)
        self.due_label.setTextFormat(Qt.TextFormat.PlainText)
        self.due_label.setAccessibleDescription("Questionnaires due")
        self.psfs_label = QLabel()
        self.psfs_label.setWordWrap(True)
        self.psfs_label.setTextFormat(Qt.TextFormat.PlainText)
        self.psfs_label.setAccessibleDescription("PSFS from the check-in")
        due_layout.addWidget(self.due_label)
        due_layout.addWidget(self.psfs_label)
        pick = FlowLayout()  # wraps at a large text size instead of widening the window
        self.instrument_combo = ComboBox()
        self.instrument_combo.setAccessibleName("Questionnaire")
        for family in FILLED_IN:
            inst = family_instrument(family)
            name = INSTRUMENTS[score_keys(family)[0]].name if family not in ("COPM", "GAS") else inst.name
            self.instrument_combo.addItem(
                f"{inst.short_name} — {name}" if name != inst.short_name else name, family
            )
        pick_label = QLabel("Questionnai&re:")
        pick_label.setBuddy(self.instrument_combo)
        self.fill_button = Button("Fill in now  (Ctrl+N)")
        self.fill_button.setAccessibleDescription(
            "Opens the chosen questionnaire to fill in, whether due or not."
        )
        self.wording_button = Button("Item wording…")
        self.wording_button.setAccessibleDescription(
            "For the clinic: type in the item wording from its licensed copy."
        )
        for w in (pick_label, self.instrument_combo, self.fill_button, self.wording_button):
            pick.addWidget(w)
        due_layout.addLayout(pick)
        top.addWidget(due_box, 3)

        self.maintenance_box = QGroupBox("After therapy: maintenance phase")
        m = QVBoxLayout(self.maintenance_box)
        self.maintenance_label = QLabel()
        self.maintenance_label.setWordWrap(True)
        self.maintenance_label.setTextFormat(Qt.TextFormat.PlainText)
        m.addWidget(self.maintenance_label)
        cadence = QHBoxLayout()
        self.cadence_group = QButtonGroup(self)
        self.cadence_buttons: dict[int, QRadioButton] = {}
        for weeks in CADENCES:
            button = QRadioButton(f"Check in every {weeks} weeks")
            self.cadence_group.addButton(button, weeks)
            self.cadence_buttons[weeks] = button
            cadence.addWidget(button)
        self.cadence_buttons[CADENCES[0]].setChecked(True)
        cadence.addStretch(1)
        m.addLayout(cadence)
        buttons = QHBoxLayout()
        self.start_maintenance_button = Button("Start maintenance")
        self.end_maintenance_button = Button("End maintenance")
        self.discharged_button = Button("I have been discharged…")
        for b in (self.start_maintenance_button, self.end_maintenance_button, self.discharged_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        m.addLayout(buttons)
        top.addWidget(self.maintenance_box, 2)
        outer.addLayout(top)
        self.result_label = QLabel()
        outer.addWidget(self.result_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter = splitter
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setAccessibleDescription("Score just saved")
        # Never squeezed below its wrapped text by the form under it.
        self.result_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.form_area = QScrollArea()
        self.form_area.setWidgetResizable(True)
        self.form_area.setFrameShape(QFrame.Shape.NoFrame)
        self.form_area.setAccessibleName("Questionnaire form")
        self.form_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its inputs are the Tab stops
        self.placeholder = hint_label(
            "Choose a questionnaire and press Fill in now (Ctrl+N). Scores are worked out exactly as "
            "published, and each one is compared with the one before."
        )
        self.form_area.setWidget(self.placeholder)
        left_layout.addWidget(self.form_area, 1)
        bar = FlowLayout()
        self.save_button = Button("Save  (Ctrl+S)")
        self.save_button.setDefault(True)
        self.cancel_button = Button("Close form  (Esc)")
        bar.addWidget(self.save_button)
        bar.addWidget(self.cancel_button)
        left_layout.addLayout(bar)
        left_layout.addWidget(hint_label(KEYS_HELP))
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("<b>Scores so far</b>"))
        self.history_model = MeasureHistoryModel()
        self.history = QTableView()
        self.history.setModel(self.history_model)
        self.history.setAccessibleName("Questionnaire scores so far")
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().hide()
        self.history.setTabKeyNavigation(False)  # Tab passes through; arrow keys move between scores
        # A few rows: each grows to show its whole change sentence at any text size.
        self.history.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().sectionResized.connect(lambda *_: self.history.resizeRowsToContents())
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The change sentence takes the room left and wraps in it (rows grow to fit).
        header.setSectionResizeMode(len(MeasureHistoryModel.HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        self._fit_history_columns()
        self._keep_room()
        right_layout.addWidget(self.history, 1)
        self.chart_title = GrowingLabel()
        right_layout.addWidget(self.chart_title)
        self.chart = MarkerChart()
        self.chart.setMinimumHeight(220)
        self.chart.setAccessibleName("Chart of the chosen questionnaire's scores")
        right_layout.addWidget(self.chart, 1)
        self.delete_button = Button("Delete the selected score…  (Ctrl+Del)")
        right_layout.addWidget(self.delete_button)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        outer.addWidget(splitter, 1)

        self.fill_button.clicked.connect(lambda: self.open_form())
        self.wording_button.clicked.connect(self.edit_item_wording)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.close_form)
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.start_maintenance_button.clicked.connect(lambda: self.start_maintenance())
        self.end_maintenance_button.clicked.connect(lambda: self.end_maintenance())
        self.discharged_button.clicked.connect(lambda: self.mark_discharged())
        self.instrument_combo.currentIndexChanged.connect(lambda _i: self._draw_chart())
        # A score chosen (arrows, click) shows its questionnaire; Tab passing through changes nothing.
        self.history.selectionModel().selectionChanged.connect(
            lambda selected, _old: self._history_row(
                selected.indexes()[0].row() if selected.indexes() else -1
            )
        )
        for keys, slot in (
            ("Ctrl+N", lambda: self.open_form()),
            ("Ctrl+S", self.save),
            ("Ctrl+Del", lambda: self.delete_selected()),
        ):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.form_area)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.close_form)
        self._update_buttons()

    # Public API ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read results, check-ins, goals and the maintenance plan."""
        self.results = self.store.measures(self.patient_id)
        with patient_thresholds(self.store.thresholds(self.patient_id)):  # the therapist's, if set
            self.history_model.set_results(self.results, self.today)
            self._fit_history_columns()
            self._show_due()
            self._show_maintenance()
            self._draw_chart()

    def chart_key(self) -> str:
        """The series key the chart shows: the chosen questionnaire's (COPM: performance)."""
        return INSTRUMENTS[score_keys(str(self.instrument_combo.currentData()))[0]].series_key

    def choose(self, family: str) -> None:
        self.instrument_combo.setCurrentIndex(self.instrument_combo.findData(family))

    def open_form(self, family: str | None = None) -> QuestionnaireForm:
        """Open the form of ``family`` (default: the chosen questionnaire), focused on its first item."""
        if family is not None:
            self.choose(family)
        family = str(self.instrument_combo.currentData())
        previous = next((r for r in reversed(self.results) if r.instrument == family), None)
        goals = [
            (g.title, g.id) for g in self.store.goals(self.patient_id) if g.status != GoalStatus.DISCONTINUED
        ]
        texts = self.store.item_texts(family) if family not in ("COPM", "GAS") else []
        self.form = QuestionnaireForm(family, self.today, texts, previous, goals)
        taken = self.form_area.takeWidget()  # taken out, a widget is nobody's: keep or delete it here
        if taken is self.placeholder:
            self.placeholder.setParent(self)  # hidden until the form closes; goes with the page
        elif taken is not None:
            taken.deleteLater()  # the form opened before this one
        self.form_area.setWidget(self.form)
        self.placeholder.hide()
        self._make_room()
        self._update_buttons()
        self._set_tab_order()
        self.form.focus_first()
        self.status.emit(f"Filling in the {self.form.inst.short_name}. Ctrl+S saves.")
        return self.form

    def _make_room(self) -> None:
        """Widen the form's side of the splitter to what the open form asks for (up to two thirds of
        the page), so its columns show whole without dragging the splitter."""
        if self.form is None:
            return
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if total <= 0:
            return
        scroll_bar = self.form_area.verticalScrollBar().sizeHint().width()
        wanted = self.form.sizeHint().width() + scroll_bar + 2 * self.form_area.frameWidth()
        left = min(max(sizes[0], wanted), total * FORM_SHARE_MAX // 100)
        self.splitter.setSizes([left, total - left])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._make_room()  # a form opened before the page was laid out

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "splitter"):
            self._keep_room()
            self._fit_history_columns()
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "chart"):
            self._draw_chart()  # a new theme: the chart takes its colours

    def _keep_room(self) -> None:
        """The form, the scores and their chart keep room to be read: the page scrolls instead."""
        lines = self.fontMetrics().lineSpacing()
        self.form_area.setMinimumHeight(lines * FORM_MIN_LINES)
        self.history.setMinimumHeight(lines * SCORES_MIN_LINES)

    def _fit_history_columns(self) -> None:
        """No column narrower than the longest word in the table: a narrow table scrolls sideways
        instead of cutting a word ("convention)") in half."""
        metrics = self.history.fontMetrics()
        model = self.history_model
        words = {
            word
            for row in range(model.rowCount())
            for column in range(model.columnCount())
            for word in str(model.index(row, column).data() or "").split()
        }
        widest = max((metrics.horizontalAdvance(w) for w in words), default=0)
        padding = metrics.averageCharWidth() * 2
        least = max(widest, metrics.horizontalAdvance("variation")) + padding
        header = self.history.horizontalHeader()
        header.setMinimumSectionSize(least)
        # The stretched last column never gets less than a word: the table asks the splitter for the room
        # of its other columns plus that word, and the page scrolls sideways before a word is cut.
        used = sum(
            max(header.sectionSizeFromContents(c).width(), self.history.sizeHintForColumn(c), least)
            for c in range(model.columnCount() - 1)
        )
        scrollbar = self.history.verticalScrollBar().sizeHint().width()
        self.history.setMinimumWidth(used + least + scrollbar + 2 * self.history.frameWidth())

    def close_form(self) -> None:
        if self.form is None:
            return
        self.form_area.takeWidget()
        self.form.deleteLater()
        self.form = None
        self.form_area.setWidget(self.placeholder)
        self.placeholder.show()
        self._update_buttons()
        self.fill_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> MeasureResult | None:
        """Score and save the open form; problems are shown next to their items and nothing is saved."""
        if self.form is None:
            return None
        form = self.form
        try:
            saved = self.session.save_result(form.result())
        except InvalidInput as exc:
            form.show_problems(exc.problems)
            form.focus_first(exc.problems)
            more = len(exc.problems) - 1
            self._say(
                f"Not saved: {exc.problems[0].message}"
                + (f" ({more} more {'answer needs' if more == 1 else 'answers need'} fixing)" if more else "")
            )
            return None
        self.close_form()
        message = score_message(saved, self.results, self.today)
        self.result_label.setText(f"Saved. {message}")
        width = max(self.result_label.width(), 200)
        self.result_label.setMinimumHeight(self.result_label.heightForWidth(width))
        self._say(f"Saved the {family_instrument(saved.instrument).short_name}.")
        self.result_saved.emit(saved)
        return saved

    def delete_selected(self, confirm: bool = True) -> MeasureResult | None:
        row = self.history.currentIndex().row()
        if row < 0:
            self._say("Choose a score in the table first.")
            return None
        result, _ = self.history_model.result_at(row)
        if result.id is None:
            return None
        name = family_instrument(result.instrument).short_name
        if confirm:
            answer = QMessageBox.question(
                self, "Delete score?", f"Delete the {name} filled in on {day_text(result.taken)}?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        deleted = self.session.delete_result(result)
        self._say(f"Deleted the {name} of {day_text(result.taken)}.")
        return deleted

    def edit_item_wording(self) -> None:
        family = str(self.instrument_combo.currentData())
        if family in ("COPM", "GAS"):
            self._say("COPM problems and GAS goals are the patient's own: type them in the form.")
            return
        if ItemWordingDialog(self.session, family, self).exec() and self.form is not None:
            self.open_form(self.form.family)

    def start_maintenance(self, every_weeks: int | None = None) -> MaintenancePlan:
        weeks = every_weeks or self.cadence_group.checkedId()
        plan = self.store.maintenance(self.patient_id)
        new = MaintenancePlan(plan.discharged_on, weeks, self.today)
        self.session.change_maintenance(new, f"Start maintenance phase (a check-in every {weeks} weeks)")
        self._say(f"Maintenance phase started: a check-in every {weeks} weeks.")
        return new

    def end_maintenance(self) -> None:
        plan = self.store.maintenance(self.patient_id)
        self.session.change_maintenance(
            MaintenancePlan(plan.discharged_on, None, None), "End maintenance phase"
        )
        self._say("Maintenance phase ended: weekly check-ins again.")

    def mark_discharged(self, confirm: bool = True, day: date | None = None) -> bool:
        """Record the discharge: on ``day``, or the day the patient chooses (today by default).
        False: the patient cancelled."""
        if confirm:
            dialog = DischargeDialog(day or self.today, self)
            if not dialog.exec():
                return False
            day = dialog.chosen()
        plan = self.store.maintenance(self.patient_id)
        day = day or self.today
        self.session.change_maintenance(
            MaintenancePlan(day, plan.every_weeks, plan.since), f"Record discharge {short_day(day)}"
        )
        return True

    # Showing -------------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.status.emit(text)

    def _show_due(self) -> None:
        lines = []
        for d in due(self.results, self.today):
            name = family_instrument(d.family).short_name
            last = (
                f"last filled in {day_text(d.last_taken, self.today)}" if d.last_taken else "never filled in"
            )
            when = "due now" if d.is_due(self.today) else f"next due {day_text(d.next_due, self.today)}"
            lines.append(f"{name}: {when} ({last}).")
        if not lines:
            lines.append("Nothing filled in yet. Your therapist will tell you which questionnaires to use.")
        lines.append("Every 4 weeks by default; fill one in at any time with Fill in now.")
        self.due_label.setText("\n".join(lines))
        entries = self.store.entries(self.patient_id)
        activities = self.store.activities(self.patient_id)
        psfs = psfs_from_entries(entries, activities)
        if psfs is None:
            self.psfs_label.setText(
                "PSFS: comes from your check-in's activity ratings (nothing to fill in here); none rated yet."
            )
        else:
            week, value = psfs
            self.psfs_label.setText(
                f"PSFS {score_text('PSFS', value)} from the activity ratings of your check-in, week of "
                f"{day_text(week, self.today)}: nothing to fill in here, your weekly ratings are its items."
            )

    def _show_maintenance(self) -> None:
        plan = self.store.maintenance(self.patient_id)
        entries = self.store.entries(self.patient_id)
        activities = self.store.activities(self.patient_id, include_archived=True)
        met = goals_met(self.store.goals(self.patient_id), entries, activities, self.today, self.results)
        if plan.active:
            assert plan.since is not None
            last = max((e.week for e in entries), default=None)
            nxt = plan.next_check_in(last)
            text = (
                f"Maintenance phase since {day_text(plan.since, self.today)}: a check-in every "
                f"{plan.every_weeks} weeks"
                + (f", the next one by {day_text(nxt, self.today)}." if nxt else ".")
                + " RehabTrack compares each check-in with how you were at discharge."
            )
            if plan.every_weeks in self.cadence_buttons:
                self.cadence_buttons[plan.every_weeks].setChecked(True)
        elif should_offer(plan, met):
            why = (
                f"You were discharged on {day_text(plan.discharged_on, self.today)}."
                if plan.discharged_on
                else "Every goal is met."
            )
            text = (
                f"{why} You can keep your gains with a lighter routine: a check-in every 2 or 4 weeks, your "
                "choice. RehabTrack will tell you plainly if pain, stiffness or another measure gets worse "
                "for two check-ins in a row."
            )
        else:
            text = (
                "When every goal is met, or you are discharged, you can switch to a lighter check-in every "
                "2 or 4 weeks."
            )
        self.maintenance_label.setText(text)
        offer = should_offer(plan, met)
        self.start_maintenance_button.setVisible(offer)
        self.end_maintenance_button.setVisible(plan.active)
        self.discharged_button.setVisible(plan.discharged_on is None and not plan.active)
        for button in self.cadence_buttons.values():
            button.setVisible(offer or plan.active)
            button.setEnabled(offer)
        alerts = recurrence_alerts(plan, entries, activities)
        self.alerts.setText("\n".join(a.message for a in alerts))
        self.alerts.setVisible(bool(alerts))

    def _draw_chart(self) -> None:
        key = self.chart_key()
        series = measure_series(key, self.results)
        with patient_thresholds(self.store.thresholds(self.patient_id)):
            threshold = threshold_for(key)
        band = threshold.value
        self.chart.set_data(series, band=band, theme=current_chart_theme())
        self.chart.set_band_tip(threshold.explained())
        inst = INSTRUMENTS[key.split("/", 1)[1]]
        better = "lower is better" if inst.lower_is_better else "higher is better"
        count = len(series.points)
        self.chart_title.setText(
            f"{inst.name}: {count} score{'s' if count != 1 else ''} ({better}; shaded: the meaningful change "
            f"of {threshold.amount(band)}, {threshold.origin()})"
        )

    def _history_row(self, row: int) -> None:
        if row < 0:
            return
        result, _key = self.history_model.result_at(row)
        self.choose(result.instrument)

    def _update_buttons(self) -> None:
        open_form = self.form is not None
        self.save_button.setEnabled(open_form)
        self.cancel_button.setEnabled(open_form)

    def _set_tab_order(self) -> None:
        """The form's inputs, in their order, right after Fill in now; then Save and Close."""
        if self.form is None:
            return
        inside = [
            w
            for w in self.form.findChildren(QWidget)
            if w.focusPolicy() & Qt.FocusPolicy.TabFocus
            and w.focusProxy() is None
            and not isinstance(w, QLabel)
        ]
        chain: list[QWidget] = [self.wording_button, *inside, self.save_button, self.cancel_button]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)
