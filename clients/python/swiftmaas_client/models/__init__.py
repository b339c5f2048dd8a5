""" Contains all the data models used in inputs/outputs """

from .audit_entry import AuditEntry
from .batch_prediction_request import BatchPredictionRequest
from .batching import Batching
from .chat_completion import ChatCompletion
from .chat_completion_choices_item import ChatCompletionChoicesItem
from .chat_completion_choices_item_finish_reason import ChatCompletionChoicesItemFinishReason
from .chat_completion_choices_item_logprobs_type_1 import ChatCompletionChoicesItemLogprobsType1
from .chat_completion_choices_item_logprobs_type_1_content_item import ChatCompletionChoicesItemLogprobsType1ContentItem
from .chat_completion_choices_item_logprobs_type_1_content_item_top_logprobs_item import ChatCompletionChoicesItemLogprobsType1ContentItemTopLogprobsItem
from .chat_completion_choices_item_message import ChatCompletionChoicesItemMessage
from .chat_completion_request import ChatCompletionRequest
from .chat_completion_request_messages_item import ChatCompletionRequestMessagesItem
from .chat_completion_request_messages_item_content_type_1_item import ChatCompletionRequestMessagesItemContentType1Item
from .chat_completion_request_messages_item_role import ChatCompletionRequestMessagesItemRole
from .chat_completion_request_stream_options import ChatCompletionRequestStreamOptions
from .chat_completion_usage import ChatCompletionUsage
from .completion import Completion
from .completion_choices_item import CompletionChoicesItem
from .completion_choices_item_finish_reason import CompletionChoicesItemFinishReason
from .completion_choices_item_logprobs_type_1 import CompletionChoicesItemLogprobsType1
from .completion_choices_item_logprobs_type_1_top_logprobs_item import CompletionChoicesItemLogprobsType1TopLogprobsItem
from .completion_request import CompletionRequest
from .completion_request_stream_options import CompletionRequestStreamOptions
from .completion_usage import CompletionUsage
from .create_evaluation_response_201 import CreateEvaluationResponse201
from .create_evaluation_response_201_by_item import CreateEvaluationResponse201ByItem
from .create_evaluation_response_201_kind import CreateEvaluationResponse201Kind
from .create_evaluation_response_201_mitigation import CreateEvaluationResponse201Mitigation
from .create_evaluation_response_201_mitigation_after import CreateEvaluationResponse201MitigationAfter
from .create_evaluation_response_201_mitigation_before import CreateEvaluationResponse201MitigationBefore
from .create_evaluation_response_201_mitigation_rules_item import CreateEvaluationResponse201MitigationRulesItem
from .create_evaluation_response_201_mitigation_rules_item_group import CreateEvaluationResponse201MitigationRulesItemGroup
from .create_evaluation_response_201_mitigation_rules_item_threshold_0_type_1 import CreateEvaluationResponse201MitigationRulesItemThreshold0Type1
from .create_evaluation_response_201_mitigation_rules_item_threshold_1_type_1 import CreateEvaluationResponse201MitigationRulesItemThreshold1Type1
from .create_evaluation_response_201_task import CreateEvaluationResponse201Task
from .create_explanation_job_body import CreateExplanationJobBody
from .create_explanation_job_body_kind import CreateExplanationJobBodyKind
from .create_explanation_job_body_metric import CreateExplanationJobBodyMetric
from .create_project_body import CreateProjectBody
from .create_project_response_201 import CreateProjectResponse201
from .create_transcription_body import CreateTranscriptionBody
from .create_transcription_body_response_format import CreateTranscriptionBodyResponseFormat
from .create_transcription_body_stream import CreateTranscriptionBodyStream
from .create_transcription_body_timestamp_granularities_item import CreateTranscriptionBodyTimestampGranularitiesItem
from .create_transcription_response_200 import CreateTranscriptionResponse200
from .create_transcription_response_200_segments_item import CreateTranscriptionResponse200SegmentsItem
from .create_transcription_response_200_usage import CreateTranscriptionResponse200Usage
from .create_transcription_response_200_words_item import CreateTranscriptionResponse200WordsItem
from .create_translation_body import CreateTranslationBody
from .create_translation_body_response_format import CreateTranslationBodyResponseFormat
from .create_translation_body_stream import CreateTranslationBodyStream
from .create_translation_response_200 import CreateTranslationResponse200
from .create_translation_response_200_segments_item import CreateTranslationResponse200SegmentsItem
from .create_translation_response_200_usage import CreateTranslationResponse200Usage
from .create_translation_response_200_words_item import CreateTranslationResponse200WordsItem
from .dataset import Dataset
from .dataset_erasure import DatasetErasure
from .dataset_personal_data_item import DatasetPersonalDataItem
from .dataset_personal_data_item_found import DatasetPersonalDataItemFound
from .dataset_policies import DatasetPolicies
from .dataset_schema import DatasetSchema
from .dataset_schema_columns_item import DatasetSchemaColumnsItem
from .dataset_schema_columns_item_kind import DatasetSchemaColumnsItemKind
from .dataset_schema_columns_item_top_item import DatasetSchemaColumnsItemTopItem
from .deploy_body import DeployBody
from .deploy_body_canary import DeployBodyCanary
from .deployment import Deployment
from .deployment_canary import DeploymentCanary
from .embedding_request import EmbeddingRequest
from .embedding_request_encoding_format import EmbeddingRequestEncodingFormat
from .embedding_response import EmbeddingResponse
from .embedding_response_data_item import EmbeddingResponseDataItem
from .embedding_response_usage import EmbeddingResponseUsage
from .error import Error
from .error_error import ErrorError
from .explain_prediction_response_200 import ExplainPredictionResponse200
from .explain_prediction_response_200_explanations_item import ExplainPredictionResponse200ExplanationsItem
from .explain_prediction_response_200_explanations_item_image import ExplainPredictionResponse200ExplanationsItemImage
from .explain_prediction_response_200_explanations_item_outputs_item import ExplainPredictionResponse200ExplanationsItemOutputsItem
from .explain_prediction_response_200_explanations_item_outputs_item_attributions import ExplainPredictionResponse200ExplanationsItemOutputsItemAttributions
from .explain_prediction_response_200_explanations_item_outputs_item_tokens_item import ExplainPredictionResponse200ExplanationsItemOutputsItemTokensItem
from .explain_prediction_response_200_units import ExplainPredictionResponse200Units
from .fairness_evaluation_request import FairnessEvaluationRequest
from .fairness_evaluation_request_mitigate import FairnessEvaluationRequestMitigate
from .fairness_evaluation_request_mitigate_constraint import FairnessEvaluationRequestMitigateConstraint
from .fairness_evaluation_request_mitigate_method import FairnessEvaluationRequestMitigateMethod
from .forecast_body import ForecastBody
from .forecast_response_200 import ForecastResponse200
from .forecast_response_200_intervals_item import ForecastResponse200IntervalsItem
from .get_batch_job_logs_response_200 import GetBatchJobLogsResponse200
from .get_drift_response_200 import GetDriftResponse200
from .get_drift_response_200_features_item import GetDriftResponse200FeaturesItem
from .get_drift_response_200_features_item_kind import GetDriftResponse200FeaturesItemKind
from .get_drift_response_200_features_item_ks_type_0 import GetDriftResponse200FeaturesItemKsType0
from .get_drift_response_200_features_item_ks_type_0_method import GetDriftResponse200FeaturesItemKsType0Method
from .get_drift_response_200_features_item_missing_share import GetDriftResponse200FeaturesItemMissingShare
from .get_drift_response_200_features_item_status import GetDriftResponse200FeaturesItemStatus
from .get_drift_response_200_prediction_type_0 import GetDriftResponse200PredictionType0
from .get_drift_response_200_prediction_type_0_kind import GetDriftResponse200PredictionType0Kind
from .get_drift_response_200_prediction_type_0_ks_type_0 import GetDriftResponse200PredictionType0KsType0
from .get_drift_response_200_prediction_type_0_ks_type_0_method import GetDriftResponse200PredictionType0KsType0Method
from .get_drift_response_200_prediction_type_0_missing_share import GetDriftResponse200PredictionType0MissingShare
from .get_drift_response_200_prediction_type_0_status import GetDriftResponse200PredictionType0Status
from .get_evaluation_response_200 import GetEvaluationResponse200
from .get_evaluation_response_200_by_item import GetEvaluationResponse200ByItem
from .get_evaluation_response_200_kind import GetEvaluationResponse200Kind
from .get_evaluation_response_200_task import GetEvaluationResponse200Task
from .get_explanation_job_logs_response_200 import GetExplanationJobLogsResponse200
from .get_model_card_format import GetModelCardFormat
from .get_model_card_response_200 import GetModelCardResponse200
from .get_model_card_response_200_fairness_item import GetModelCardResponse200FairnessItem
from .get_model_card_response_200_metrics import GetModelCardResponse200Metrics
from .get_promotion_policy_response_200 import GetPromotionPolicyResponse200
from .get_promotion_policy_response_200_checks_item import GetPromotionPolicyResponse200ChecksItem
from .get_shadow_response_200 import GetShadowResponse200
from .get_shadow_response_200_latency_ms import GetShadowResponse200LatencyMs
from .get_training_job_logs_response_200 import GetTrainingJobLogsResponse200
from .get_tuning_job_logs_response_200 import GetTuningJobLogsResponse200
from .get_usage_response_200 import GetUsageResponse200
from .inference_request import InferenceRequest
from .inference_request_parameters import InferenceRequestParameters
from .inference_response import InferenceResponse
from .job_event import JobEvent
from .job_event_data import JobEventData
from .job_event_type import JobEventType
from .key import Key
from .key_request import KeyRequest
from .key_request_role import KeyRequestRole
from .key_with_secret import KeyWithSecret
from .list_audit_entries_response_200 import ListAuditEntriesResponse200
from .list_batch_jobs_response_200 import ListBatchJobsResponse200
from .list_dataset_tombstones_response_200 import ListDatasetTombstonesResponse200
from .list_datasets_response_200 import ListDatasetsResponse200
from .list_deployments_response_200 import ListDeploymentsResponse200
from .list_evaluations_response_200 import ListEvaluationsResponse200
from .list_evaluations_response_200_evaluations_item import ListEvaluationsResponse200EvaluationsItem
from .list_explanation_jobs_response_200 import ListExplanationJobsResponse200
from .list_keys_response_200 import ListKeysResponse200
from .list_models_response_200 import ListModelsResponse200
from .list_projects_response_200 import ListProjectsResponse200
from .list_projects_response_200_projects_item import ListProjectsResponse200ProjectsItem
from .list_training_jobs_response_200 import ListTrainingJobsResponse200
from .list_tuning_jobs_response_200 import ListTuningJobsResponse200
from .model import Model
from .model_aliases import ModelAliases
from .model_metadata import ModelMetadata
from .model_version import ModelVersion
from .model_version_lineage import ModelVersionLineage
from .model_version_metrics import ModelVersionMetrics
from .predict_body import PredictBody
from .predict_body_instances_item_type_0 import PredictBodyInstancesItemType0
from .predict_response_200 import PredictResponse200
from .rate_limits import RateLimits
from .recommend_body import RecommendBody
from .recommend_body_fallback import RecommendBodyFallback
from .recommend_body_items_type_1 import RecommendBodyItemsType1
from .recommend_response_200 import RecommendResponse200
from .recommend_response_200_items_item import RecommendResponse200ItemsItem
from .recommend_response_200_source import RecommendResponse200Source
from .record_erasure import RecordErasure
from .record_erasure_request import RecordErasureRequest
from .register_model_version_json_body import RegisterModelVersionJsonBody
from .rotate_master_key_body import RotateMasterKeyBody
from .rotate_master_key_response_200 import RotateMasterKeyResponse200
from .set_dataset_policies_body import SetDatasetPoliciesBody
from .set_dataset_policies_body_policies_type_0 import SetDatasetPoliciesBodyPoliciesType0
from .set_drift_threshold_body import SetDriftThresholdBody
from .set_drift_threshold_response_200 import SetDriftThresholdResponse200
from .set_model_alias_body import SetModelAliasBody
from .set_model_alias_response_409 import SetModelAliasResponse409
from .set_model_alias_response_409_error import SetModelAliasResponse409Error
from .set_model_alias_response_409_evaluation import SetModelAliasResponse409Evaluation
from .set_model_card_body import SetModelCardBody
from .set_model_card_response_200 import SetModelCardResponse200
from .set_promotion_policy_body import SetPromotionPolicyBody
from .set_promotion_policy_body_checks_item_type_2 import SetPromotionPolicyBodyChecksItemType2
from .set_promotion_policy_body_checks_item_type_2_latency_p99_ms import SetPromotionPolicyBodyChecksItemType2LatencyP99Ms
from .set_promotion_policy_body_checks_item_type_3 import SetPromotionPolicyBodyChecksItemType3
from .set_promotion_policy_body_checks_item_type_3_beats_current import SetPromotionPolicyBodyChecksItemType3BeatsCurrent
from .set_promotion_policy_body_checks_item_type_3_beats_current_metric import SetPromotionPolicyBodyChecksItemType3BeatsCurrentMetric
from .set_promotion_policy_response_200 import SetPromotionPolicyResponse200
from .set_promotion_policy_response_200_checks_item import SetPromotionPolicyResponse200ChecksItem
from .set_shadow_body import SetShadowBody
from .set_shadow_response_200 import SetShadowResponse200
from .set_shadow_response_200_latency_ms import SetShadowResponse200LatencyMs
from .similar_items_body import SimilarItemsBody
from .similar_items_response_200 import SimilarItemsResponse200
from .similar_items_response_200_items_item import SimilarItemsResponse200ItemsItem
from .stream_batch_job_events_response_200 import StreamBatchJobEventsResponse200
from .stream_explanation_job_events_response_200 import StreamExplanationJobEventsResponse200
from .stream_training_job_events_response_200 import StreamTrainingJobEventsResponse200
from .stream_tuning_job_events_response_200 import StreamTuningJobEventsResponse200
from .tensor import Tensor
from .tensor_datatype import TensorDatatype
from .tensor_metadata import TensorMetadata
from .tensor_metadata_datatype import TensorMetadataDatatype
from .tensor_parameters import TensorParameters
from .tombstone import Tombstone
from .training_job import TrainingJob
from .training_job_metrics import TrainingJobMetrics
from .training_job_progress import TrainingJobProgress
from .training_job_request import TrainingJobRequest
from .training_job_request_preprocessing import TrainingJobRequestPreprocessing
from .training_job_request_spec import TrainingJobRequestSpec
from .training_job_request_validation_type_0 import TrainingJobRequestValidationType0
from .training_job_request_validation_type_1 import TrainingJobRequestValidationType1
from .training_job_state import TrainingJobState
from .training_job_tasks_item import TrainingJobTasksItem
from .tuning_job_request import TuningJobRequest
from .tuning_job_request_early_stopping import TuningJobRequestEarlyStopping
from .tuning_job_request_objective import TuningJobRequestObjective
from .tuning_job_request_objective_direction import TuningJobRequestObjectiveDirection
from .tuning_job_request_preprocessing import TuningJobRequestPreprocessing
from .tuning_job_request_sampler import TuningJobRequestSampler
from .tuning_job_request_space import TuningJobRequestSpace
from .tuning_job_request_space_additional_property import TuningJobRequestSpaceAdditionalProperty
from .tuning_job_request_spec import TuningJobRequestSpec
from .tuning_job_request_validation_type_0 import TuningJobRequestValidationType0
from .tuning_job_request_validation_type_1 import TuningJobRequestValidationType1
from .update_key_body import UpdateKeyBody
from .upload_dataset_format import UploadDatasetFormat
from .usage import Usage
from .verify_audit_log_response_200 import VerifyAuditLogResponse200
from .version_ref import VersionRef

__all__ = (
    "AuditEntry",
    "Batching",
    "BatchPredictionRequest",
    "ChatCompletion",
    "ChatCompletionChoicesItem",
    "ChatCompletionChoicesItemFinishReason",
    "ChatCompletionChoicesItemLogprobsType1",
    "ChatCompletionChoicesItemLogprobsType1ContentItem",
    "ChatCompletionChoicesItemLogprobsType1ContentItemTopLogprobsItem",
    "ChatCompletionChoicesItemMessage",
    "ChatCompletionRequest",
    "ChatCompletionRequestMessagesItem",
    "ChatCompletionRequestMessagesItemContentType1Item",
    "ChatCompletionRequestMessagesItemRole",
    "ChatCompletionRequestStreamOptions",
    "ChatCompletionUsage",
    "Completion",
    "CompletionChoicesItem",
    "CompletionChoicesItemFinishReason",
    "CompletionChoicesItemLogprobsType1",
    "CompletionChoicesItemLogprobsType1TopLogprobsItem",
    "CompletionRequest",
    "CompletionRequestStreamOptions",
    "CompletionUsage",
    "CreateEvaluationResponse201",
    "CreateEvaluationResponse201ByItem",
    "CreateEvaluationResponse201Kind",
    "CreateEvaluationResponse201Mitigation",
    "CreateEvaluationResponse201MitigationAfter",
    "CreateEvaluationResponse201MitigationBefore",
    "CreateEvaluationResponse201MitigationRulesItem",
    "CreateEvaluationResponse201MitigationRulesItemGroup",
    "CreateEvaluationResponse201MitigationRulesItemThreshold0Type1",
    "CreateEvaluationResponse201MitigationRulesItemThreshold1Type1",
    "CreateEvaluationResponse201Task",
    "CreateExplanationJobBody",
    "CreateExplanationJobBodyKind",
    "CreateExplanationJobBodyMetric",
    "CreateProjectBody",
    "CreateProjectResponse201",
    "CreateTranscriptionBody",
    "CreateTranscriptionBodyResponseFormat",
    "CreateTranscriptionBodyStream",
    "CreateTranscriptionBodyTimestampGranularitiesItem",
    "CreateTranscriptionResponse200",
    "CreateTranscriptionResponse200SegmentsItem",
    "CreateTranscriptionResponse200Usage",
    "CreateTranscriptionResponse200WordsItem",
    "CreateTranslationBody",
    "CreateTranslationBodyResponseFormat",
    "CreateTranslationBodyStream",
    "CreateTranslationResponse200",
    "CreateTranslationResponse200SegmentsItem",
    "CreateTranslationResponse200Usage",
    "CreateTranslationResponse200WordsItem",
    "Dataset",
    "DatasetErasure",
    "DatasetPersonalDataItem",
    "DatasetPersonalDataItemFound",
    "DatasetPolicies",
    "DatasetSchema",
    "DatasetSchemaColumnsItem",
    "DatasetSchemaColumnsItemKind",
    "DatasetSchemaColumnsItemTopItem",
    "DeployBody",
    "DeployBodyCanary",
    "Deployment",
    "DeploymentCanary",
    "EmbeddingRequest",
    "EmbeddingRequestEncodingFormat",
    "EmbeddingResponse",
    "EmbeddingResponseDataItem",
    "EmbeddingResponseUsage",
    "Error",
    "ErrorError",
    "ExplainPredictionResponse200",
    "ExplainPredictionResponse200ExplanationsItem",
    "ExplainPredictionResponse200ExplanationsItemImage",
    "ExplainPredictionResponse200ExplanationsItemOutputsItem",
    "ExplainPredictionResponse200ExplanationsItemOutputsItemAttributions",
    "ExplainPredictionResponse200ExplanationsItemOutputsItemTokensItem",
    "ExplainPredictionResponse200Units",
    "FairnessEvaluationRequest",
    "FairnessEvaluationRequestMitigate",
    "FairnessEvaluationRequestMitigateConstraint",
    "FairnessEvaluationRequestMitigateMethod",
    "ForecastBody",
    "ForecastResponse200",
    "ForecastResponse200IntervalsItem",
    "GetBatchJobLogsResponse200",
    "GetDriftResponse200",
    "GetDriftResponse200FeaturesItem",
    "GetDriftResponse200FeaturesItemKind",
    "GetDriftResponse200FeaturesItemKsType0",
    "GetDriftResponse200FeaturesItemKsType0Method",
    "GetDriftResponse200FeaturesItemMissingShare",
    "GetDriftResponse200FeaturesItemStatus",
    "GetDriftResponse200PredictionType0",
    "GetDriftResponse200PredictionType0Kind",
    "GetDriftResponse200PredictionType0KsType0",
    "GetDriftResponse200PredictionType0KsType0Method",
    "GetDriftResponse200PredictionType0MissingShare",
    "GetDriftResponse200PredictionType0Status",
    "GetEvaluationResponse200",
    "GetEvaluationResponse200ByItem",
    "GetEvaluationResponse200Kind",
    "GetEvaluationResponse200Task",
    "GetExplanationJobLogsResponse200",
    "GetModelCardFormat",
    "GetModelCardResponse200",
    "GetModelCardResponse200FairnessItem",
    "GetModelCardResponse200Metrics",
    "GetPromotionPolicyResponse200",
    "GetPromotionPolicyResponse200ChecksItem",
    "GetShadowResponse200",
    "GetShadowResponse200LatencyMs",
    "GetTrainingJobLogsResponse200",
    "GetTuningJobLogsResponse200",
    "GetUsageResponse200",
    "InferenceRequest",
    "InferenceRequestParameters",
    "InferenceResponse",
    "JobEvent",
    "JobEventData",
    "JobEventType",
    "Key",
    "KeyRequest",
    "KeyRequestRole",
    "KeyWithSecret",
    "ListAuditEntriesResponse200",
    "ListBatchJobsResponse200",
    "ListDatasetsResponse200",
    "ListDatasetTombstonesResponse200",
    "ListDeploymentsResponse200",
    "ListEvaluationsResponse200",
    "ListEvaluationsResponse200EvaluationsItem",
    "ListExplanationJobsResponse200",
    "ListKeysResponse200",
    "ListModelsResponse200",
    "ListProjectsResponse200",
    "ListProjectsResponse200ProjectsItem",
    "ListTrainingJobsResponse200",
    "ListTuningJobsResponse200",
    "Model",
    "ModelAliases",
    "ModelMetadata",
    "ModelVersion",
    "ModelVersionLineage",
    "ModelVersionMetrics",
    "PredictBody",
    "PredictBodyInstancesItemType0",
    "PredictResponse200",
    "RateLimits",
    "RecommendBody",
    "RecommendBodyFallback",
    "RecommendBodyItemsType1",
    "RecommendResponse200",
    "RecommendResponse200ItemsItem",
    "RecommendResponse200Source",
    "RecordErasure",
    "RecordErasureRequest",
    "RegisterModelVersionJsonBody",
    "RotateMasterKeyBody",
    "RotateMasterKeyResponse200",
    "SetDatasetPoliciesBody",
    "SetDatasetPoliciesBodyPoliciesType0",
    "SetDriftThresholdBody",
    "SetDriftThresholdResponse200",
    "SetModelAliasBody",
    "SetModelAliasResponse409",
    "SetModelAliasResponse409Error",
    "SetModelAliasResponse409Evaluation",
    "SetModelCardBody",
    "SetModelCardResponse200",
    "SetPromotionPolicyBody",
    "SetPromotionPolicyBodyChecksItemType2",
    "SetPromotionPolicyBodyChecksItemType2LatencyP99Ms",
    "SetPromotionPolicyBodyChecksItemType3",
    "SetPromotionPolicyBodyChecksItemType3BeatsCurrent",
    "SetPromotionPolicyBodyChecksItemType3BeatsCurrentMetric",
    "SetPromotionPolicyResponse200",
    "SetPromotionPolicyResponse200ChecksItem",
    "SetShadowBody",
    "SetShadowResponse200",
    "SetShadowResponse200LatencyMs",
    "SimilarItemsBody",
    "SimilarItemsResponse200",
    "SimilarItemsResponse200ItemsItem",
    "StreamBatchJobEventsResponse200",
    "StreamExplanationJobEventsResponse200",
    "StreamTrainingJobEventsResponse200",
    "StreamTuningJobEventsResponse200",
    "Tensor",
    "TensorDatatype",
    "TensorMetadata",
    "TensorMetadataDatatype",
    "TensorParameters",
    "Tombstone",
    "TrainingJob",
    "TrainingJobMetrics",
    "TrainingJobProgress",
    "TrainingJobRequest",
    "TrainingJobRequestPreprocessing",
    "TrainingJobRequestSpec",
    "TrainingJobRequestValidationType0",
    "TrainingJobRequestValidationType1",
    "TrainingJobState",
    "TrainingJobTasksItem",
    "TuningJobRequest",
    "TuningJobRequestEarlyStopping",
    "TuningJobRequestObjective",
    "TuningJobRequestObjectiveDirection",
    "TuningJobRequestPreprocessing",
    "TuningJobRequestSampler",
    "TuningJobRequestSpace",
    "TuningJobRequestSpaceAdditionalProperty",
    "TuningJobRequestSpec",
    "TuningJobRequestValidationType0",
    "TuningJobRequestValidationType1",
    "UpdateKeyBody",
    "UploadDatasetFormat",
    "Usage",
    "VerifyAuditLogResponse200",
    "VersionRef",
)
