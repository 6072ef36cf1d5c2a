#!/usr/bin/env bash
# Creates R1's topics on the distributed cluster (the brokers do not create topics by
# themselves). Mirrors dev.r1.pipeline.Topics.ALL; idempotent. Run by the kafka-init service.
set -euo pipefail
bootstrap="${KAFKA_BOOTSTRAP_SERVERS:?}"
partitions="${R1_TOPIC_PARTITIONS:-12}"
replication="${R1_TOPIC_REPLICATION:-3}"
max_bytes=1048576
bin=/opt/kafka/bin

for i in $(seq 1 60); do
  if "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --list >/dev/null 2>&1; then break; fi
  echo "waiting for Kafka at $bootstrap ($i)"; sleep 2
done

topic() {
  "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$1" --partitions "$partitions" --replication-factor "$replication" \
    --config "cleanup.policy=$2" --config "max.message.bytes=$max_bytes" --config min.insync.replicas=2
}

topic r1.tasks          compact
topic r1.phase.execute  delete
topic r1.phase.verify   delete
topic r1.phase.commit   delete
topic r1.events         compact
topic r1.receipts       compact
topic r1.control        compact
topic r1.dlq            delete
topic r1.blobs          compact
topic r1.leases         compact
"$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --list
