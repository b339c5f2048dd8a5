"""One whole workflow through the generated Python client (clients/python), against a live
`maas serve`: upload a dataset, train with live events, register and alias the version, deploy,
predict over both inference protocols, download the artifact, read usage, and the API's errors
as typed objects. Run by tests/python_client.sh: python workflow.py URL ADMIN_KEY IRIS_CSV.
Every check prints one line; the exit status is the number of failed checks."""

import io
import sys
import tarfile

from swiftmaas_client import AuthenticatedClient, Client
from swiftmaas_client.api.datasets import delete_dataset, get_dataset, list_datasets, upload_dataset
from swiftmaas_client.api.deployments import deploy, list_deployments, undeploy
from swiftmaas_client.api.health import server_ready
from swiftmaas_client.api.inference import model_infer, model_metadata, predict
from swiftmaas_client.api.jobs import create_training_job, get_training_job, list_training_jobs
from swiftmaas_client.api.models import download_model_artifact
from swiftmaas_client.api.operations import get_usage
from swiftmaas_client.api.registry import get_model, list_models, set_model_alias
from swiftmaas_client.events import stream_job_events
from swiftmaas_client.models import (
    DeployBody, Error, InferenceRequest, PredictBody, SetModelAliasBody, Tensor, TensorDatatype,
    TrainingJobRequest, UploadDatasetFormat,
)
from swiftmaas_client.types import File, Unset

url, admin_key, iris_path = sys.argv[1:4]
failed = 0


def check(name, condition, detail=""):
    global failed
    print(("✔ " if condition else "✘ ") + name + ("" if condition or not detail else f" ({detail})"))
    failed += 0 if condition else 1


anonymous = Client(base_url=url)
check("an anonymous client reads readiness", server_ready.sync_detailed(client=anonymous).status_code == 200)
client = AuthenticatedClient(base_url=url, token=admin_key, timeout=120)

# Datasets
with open(iris_path, "rb") as f:
    iris_bytes = f.read()
rows = [line.split(",") for line in iris_bytes.decode().strip().splitlines()[1:]]
dataset = upload_dataset.sync("iris", client=client, body=File(payload=io.BytesIO(iris_bytes), file_name="iris.csv"),
                              format_=UploadDatasetFormat.CSV)
check("a CSV uploads and comes back as a typed Dataset",
      not isinstance(dataset, Error) and dataset.rows == 150 and dataset.version == 1, dataset)
shown = get_dataset.sync("iris", client=client)
check("the dataset shows its schema and first rows",
      not isinstance(shown, Error) and [c.name for c in shown.schema.columns] == ["x0", "x1", "x2", "x3", "target"]
      and shown.schema.columns[0].kind.value == "numeric" and shown.preview[0][:2] == ["5.1", "3.5"], shown)
check("the dataset is listed", "iris" in [d.name for d in list_datasets.sync(client=client).datasets])
upload_dataset.sync("iris-copy", client=client, body=File(payload=io.BytesIO(iris_bytes), file_name="iris.csv"),
                    format_=UploadDatasetFormat.CSV)
first_page = list_datasets.sync(client=client, limit=1)
second_page = list_datasets.sync(client=client, limit=1, page_token=first_page.next_page_token)
check("lists come in pages, with a token for the next",
      [d.name for d in first_page.datasets] == ["iris"] and [d.name for d in second_page.datasets] == ["iris-copy"]
      and isinstance(second_page.next_page_token, Unset), (first_page, second_page))
delete_dataset.sync_detailed("iris-copy", client=client)
missing = get_dataset.sync("no-such-dataset", client=client)
check("an unknown dataset is a typed Error naming it", isinstance(missing, Error) and "no-such-dataset" in missing.error.message,
      missing)

# Training with live events
spec = {"input": {"shape": [4]}, "layers": [{"type": "dense", "units": 16, "activation": "relu"},
                                             {"type": "dense", "units": 3, "activation": "softmax"}],
        "loss": "sparse_categorical_crossentropy", "optimizer": {"type": "adam", "lr": 0.05}, "epochs": 40, "batch_size": 16}
job = create_training_job.sync(client=client, body=TrainingJobRequest.from_dict(
    {"name": "iris", "dataset": "iris", "target": "target", "seed": 1, "spec": spec}))
check("a training job is submitted", not isinstance(job, Error) and job.id, job)
events = list(stream_job_events(client, job.id))
epochs = [e.data["epoch"] for e in events if e.type == "epoch"]
states = [e.data.get("state") for e in events if e.type == "state"]
check("its events stream: one report per epoch, in order", epochs == list(range(1, 41)), f"{epochs[:5]}… of {len(epochs)}")
check("the stream ends with the job's final state", states[-1:] == ["succeeded"], states)
resumed = list(stream_job_events(client, job.id, after=events[0].sequence))
check("a stream resumes after a stored event", [e.sequence for e in resumed if e.sequence] ==
      [e.sequence for e in events if e.sequence and e.sequence > events[0].sequence])
finished = get_training_job.sync(job.id, client=client)
accuracy = finished.metrics.additional_properties.get("test_accuracy") if not isinstance(finished, Error) else None
check("the job succeeded, registered version 1 and reports its test accuracy",
      not isinstance(finished, Error) and finished.state.value == "succeeded" and finished.version == 1 and accuracy > 0.8,
      finished)
check("the job is listed", job.id in [j.id for j in list_training_jobs.sync(client=client).jobs])
unknown = create_training_job.sync(client=client, body=TrainingJobRequest.from_dict(
    {"name": "x", "dataset": "no-such-dataset", "target": "target", "spec": spec}))
check("a job on an unknown dataset is a typed Error naming it", isinstance(unknown, Error) and "no-such-dataset" in unknown.error.message,
      unknown)
invalid = create_training_job.sync(client=client, body=TrainingJobRequest.from_dict(
    {"name": "x", "dataset": "iris", "target": "target", "spec": {"algorithm": "logistic_regression", "max_iter": -3}}))
check("an out-of-range setting is a typed Error naming the field",
      isinstance(invalid, Error) and invalid.error.field == "spec.max_iter", invalid)
doomed = create_training_job.sync(client=client, body=TrainingJobRequest.from_dict(
    {"name": "x", "dataset": "iris", "target": "no_such_column", "spec": spec}))
last = list(stream_job_events(client, doomed.id))[-1]
failure = get_training_job.sync(doomed.id, client=client)
check("a job naming a missing column fails, and its error names the column",
      last.data.get("state") == "failed" and "no_such_column" in failure.error, failure.error)

# Registry
model = get_model.sync("iris", client=client)
check("the model shows its version", not isinstance(model, Error) and [v.version for v in model.versions] == [1], model)
aliased = set_model_alias.sync("iris", "production", client=client, body=SetModelAliasBody(version=1))
check("an alias points at the version", not isinstance(aliased, Error) and aliased.aliases.additional_properties.get("production") == 1,
      aliased)
check("the model is listed", "iris" in [m.name for m in list_models.sync(client=client).models])
archive = download_model_artifact.sync_detailed("iris", "1", client=client)
with tarfile.open(fileobj=io.BytesIO(archive.content)) as tar:
    names = tar.getnames()
check("the artifact downloads as a tar archive holding model.json", archive.status_code == 200 and any(n.endswith("model.json") for n in names),
      names)

# Deployment and inference
deployment = deploy.sync(client=client, body=DeployBody(name="flowers", model="iris@production"))
check("the alias deploys as an endpoint", not isinstance(deployment, Error) and deployment.name == "flowers", deployment)
check("the endpoint is listed", "flowers" in [d.name for d in list_deployments.sync(client=client).deployments])
metadata = model_metadata.sync("flowers", client=client)
sample = [rows[0], rows[60], rows[120]]
features = [float(v) for row in sample for v in row[:4]]
check("the endpoint describes one input per column", [i.name for i in metadata.inputs] == ["x0", "x1", "x2", "x3"], metadata)
inputs = [Tensor(name=i.name, shape=[3], datatype=TensorDatatype.FP32, data=[float(r[k]) for r in sample]) for k, i in enumerate(metadata.inputs)]
answer = model_infer.sync("flowers", client=client, body=InferenceRequest(inputs=inputs))
labels = None if isinstance(answer, Error) else {o.name: o.data for o in answer.outputs}.get("label")
check("Open Inference Protocol: three rows answer their classes", labels == [r[4] for r in sample], answer)
tf = predict.sync("flowers", client=client, body=PredictBody(instances=[[float(v) for v in r[:4]] for r in sample]))
check("TF-Serving protocol: the same rows answer", not isinstance(tf, Error) and len(tf.predictions) == 3, tf)
wrong = model_infer.sync("flowers", client=client, body=InferenceRequest(
    inputs=[Tensor(name="input", shape=[1, 3], datatype=TensorDatatype.FP32, data=[1.0, 2.0, 3.0])]))
check("inputs of the wrong width are a typed Error", isinstance(wrong, Error) and wrong.error.message, wrong)

# Usage, then clean up
usage = get_usage.sync(client=client)
check("usage counts the key's requests", not isinstance(usage, Error) and sum(k.requests for k in usage.keys) > 0, usage)
check("the endpoint undeploys", undeploy.sync_detailed("flowers", client=client).status_code in (200, 204))
check("the dataset deletes", delete_dataset.sync_detailed("iris", client=client).status_code in (200, 204))
print(f"python client: {failed} failed")
sys.exit(failed)
