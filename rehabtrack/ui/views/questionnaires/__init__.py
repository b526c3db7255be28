"""The Questionnaires view (``view``) and its parts: the form of one questionnaire, an item's answer
scale, and the table of scores so far."""

from rehabtrack.ui.dialogs.discharge import DischargeDialog
from rehabtrack.ui.dialogs.item_wording import ItemWordingDialog
from rehabtrack.ui.views.questionnaires.answer_scale import AnswerScale
from rehabtrack.ui.views.questionnaires.form import QuestionnaireForm
from rehabtrack.ui.views.questionnaires.history_model import MeasureHistoryModel
from rehabtrack.ui.views.questionnaires.view import QuestionnairesView

__all__ = [
    "AnswerScale",
    "DischargeDialog",
    "ItemWordingDialog",
    "MeasureHistoryModel",
    "QuestionnaireForm",
    "QuestionnairesView",
]
