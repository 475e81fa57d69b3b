from recommender.api.v1 import commitments_pb2 as _commitments_pb2
from recommender.api.v1 import commitments_stream_pb2 as _commitments_stream_pb2
from recommender.api.v1 import consolidation_pb2 as _consolidation_pb2
from recommender.api.v1 import recommend_pb2 as _recommend_pb2
from recommender.api.v1 import rightsizing_pb2 as _rightsizing_pb2
from recommender.api.v1 import routing_pb2 as _routing_pb2
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor
