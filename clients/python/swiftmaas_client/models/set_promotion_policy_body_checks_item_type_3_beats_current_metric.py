from enum import StrEnum

class SetPromotionPolicyBodyChecksItemType3BeatsCurrentMetric(StrEnum):
    ACCURACY = "accuracy"
    F1_MACRO = "f1_macro"
    LOG_LOSS = "log_loss"
    MAE = "mae"
    PRECISION_MACRO = "precision_macro"
    R2 = "r2"
    RECALL_MACRO = "recall_macro"
    RMSE = "rmse"
    ROC_AUC = "roc_auc"

    def __str__(self) -> str:
        return str(self.value)
