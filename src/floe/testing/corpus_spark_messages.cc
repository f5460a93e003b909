// Spark-like log messages for generated corpora: what drivers and executors say at each level,
// with numbers that follow the pod's job/stage/task progress, stack traces on errors, and now
// and then quotes, backslashes, non-ASCII text and \u escapes.
#include <charconv>

#include "floe/testing/corpus_content_internal.h"

namespace floe::testing::corpus {
namespace {

/// `value / 10^decimals`, printed with exactly `decimals` digits after the point.
struct Fixed {
  int64_t value;
  int decimals;
};

void Put(std::string& out, int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, res.ptr);
}
void Put(std::string& out, uint64_t v) { Put(out, static_cast<int64_t>(v)); }
void Put(std::string& out, std::string_view s) { out.append(s); }
void Put(std::string& out, const std::string& s) { out.append(s); }
void Put(std::string& out, Fixed f) {
  int64_t scale = 1;
  for (int i = 0; i < f.decimals; ++i) scale *= 10;
  Put(out, f.value / scale);
  if (f.decimals == 0) return;
  out.push_back('.');
  std::string frac = std::to_string(f.value % scale);
  out.append(f.decimals - frac.size(), '0');
  out.append(frac);
}

// Appends `tmpl` with each "{}" replaced by the next argument; templates are JSON string
// content already (escapes written out), arguments never need escaping.
template <typename... Args>
void Fmt(std::string& out, std::string_view tmpl, const Args&... args) {
  auto one = [&](const auto& arg) {
    size_t pos = tmpl.find("{}");
    out.append(tmpl.substr(0, pos));
    Put(out, arg);
    tmpl.remove_prefix(pos + 2);
  };
  (one(args), ...);
  out.append(tmpl);
}

std::string_view Pick(Rng& rng, std::initializer_list<std::string_view> items) {
  return items.begin()[rng.Below(items.size())];
}

std::string PeerIp(Rng& rng) {
  return "10.1." + std::to_string(rng.Between(128, 191)) + "." +
         std::to_string(rng.Between(2, 254));
}

constexpr std::string_view kFrames[] = {
    "org.apache.spark.storage.DiskBlockObjectWriter.write(DiskBlockObjectWriter.scala:310)",
    "org.apache.spark.shuffle.sort.UnsafeShuffleWriter.write(UnsafeShuffleWriter.java:179)",
    "org.apache.spark.shuffle.ShuffleWriteProcessor.write(ShuffleWriteProcessor.scala:59)",
    "org.apache.spark.scheduler.ShuffleMapTask.runTask(ShuffleMapTask.scala:104)",
    "org.apache.spark.scheduler.ShuffleMapTask.runTask(ShuffleMapTask.scala:54)",
    "org.apache.spark.TaskContext.runTaskWithListeners(TaskContext.scala:161)",
    "org.apache.spark.scheduler.Task.run(Task.scala:141)",
    "org.apache.spark.executor.Executor$TaskRunner.$anonfun$run$4(Executor.scala:620)",
    "org.apache.spark.util.SparkErrorUtils.tryWithSafeFinally(SparkErrorUtils.scala:64)",
    "org.apache.spark.util.Utils$.tryWithSafeFinally(Utils.scala:94)",
    "org.apache.spark.executor.Executor$TaskRunner.run(Executor.scala:623)",
    "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)",
    "java.base/java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:635)",
    "java.base/java.lang.Thread.run(Thread.java:840)",
    "org.apache.hadoop.fs.s3a.S3AFileSystem.getFileStatus(S3AFileSystem.java:3866)",
    "org.apache.spark.sql.execution.datasources.FileFormatWriter$.write(FileFormatWriter.scala:"
    "270)",
    "org.apache.spark.sql.execution.SQLExecution$.withNewExecutionId(SQLExecution.scala:125)",
    "org.apache.spark.sql.Dataset.withAction(Dataset.scala:4320)",
    "py4j.commands.CallCommand.execute(CallCommand.java:79)",
    "py4j.ClientServerConnection.run(ClientServerConnection.java:106)",
};

// A stack trace's frames, each "\n\tat <frame>" as JSON escapes.
void AppendFrames(Rng& rng, std::string& out, int count) {
  size_t start = rng.Below(std::size(kFrames));
  for (int i = 0; i < count; ++i) {
    out.append("\\n\\tat ");
    out.append(kFrames[(start + i) % std::size(kFrames)]);
  }
}

std::string_view DriverInfo(PodInfo& p, Rng& rng, std::string& out) {
  const auto& app = *p.app;
  switch (rng.Below(12)) {
    case 0:
      p.task++;
      Fmt(out, "Starting task {}.0 in stage {}.0 (TID {}) ({}, executor {}, partition {}, "
          "PROCESS_LOCAL, {} bytes) ", rng.Below(200), p.stage, p.task, PeerIp(rng),
          rng.Between(1, 8), rng.Below(200), rng.Between(4000, 9000));
      return "org.apache.spark.scheduler.TaskSetManager";
    case 1:
      p.finished++;
      Fmt(out, "Finished task {}.0 in stage {}.0 (TID {}) in {} ms on {} (executor {}) ({}/200)",
          rng.Below(200), p.stage, p.task, rng.Between(40, 90000), PeerIp(rng),
          rng.Between(1, 8), p.finished % 200 + 1);
      return "org.apache.spark.scheduler.TaskSetManager";
    case 2:
      p.stage++;
      p.rdd += rng.Between(1, 4);
      Fmt(out, "Submitting {} missing tasks from ResultStage {} (MapPartitionsRDD[{}] at save at "
          "NativeMethodAccessorImpl.java:0) (first 15 tasks are for partitions Vector(0, 1, 2, 3, "
          "4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14))", rng.Between(16, 400), p.stage, p.rdd);
      return "org.apache.spark.scheduler.DAGScheduler";
    case 3:
      Fmt(out, "Job {} finished: save at NativeMethodAccessorImpl.java:0, took {} s", p.job++,
          Fixed{static_cast<int64_t>(rng.Between(1000, 900000000)), 6});
      return "org.apache.spark.scheduler.DAGScheduler";
    case 4:
      Fmt(out, "Added broadcast_{}_piece0 in memory on {}:7079 (size: {} KiB, free: {} GiB)",
          p.broadcast++, PeerIp(rng), Fixed{rng.Between(10, 9999), 1},
          Fixed{rng.Between(10, 99), 1});
      return "org.apache.spark.storage.BlockManagerInfo";
    case 5:
      Fmt(out, "Pushed Filters: IsNotNull(tpep_pickup_datetime),GreaterThan(trip_distance,{})",
          Fixed{rng.Between(0, 50), 1});
      return "org.apache.spark.sql.execution.datasources.FileSourceStrategy";
    case 6:
      Fmt(out, "Code generated in {} ms", Fixed{rng.Between(1000, 400000), 6});
      return "org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator";
    case 7:
      Fmt(out, "Saved output of task 'attempt_{}_{}_m_{}_{}' to s3a://{}-lake/{}/donn\xc3\xa9"
          "es/year=2025/month=07", rng.Between(202501010000, 202512312359), p.stage,
          rng.Between(100000, 999999), p.task, app.namespace_name, app.app);
      return "org.apache.spark.mapred.SparkHadoopMapRedUtil";
    case 8:
      Fmt(out, "Bound SparkUI to 0.0.0.0, and started at http://{}-svc.{}.svc:4040", p.name,
          app.namespace_name);
      return "org.apache.spark.ui.SparkUI";
    case 9:
      Fmt(out, "Registering table \\\"{}\\\" for user \\u201cjos\\u00e9.garc\\u00eda\\u201d "
          "(\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e OK) path C:\\\\tmp\\\\{}", app.app, p.job);
      return "org.apache.spark.sql.internal.SharedState";
    case 10:
      Fmt(out, "Running Spark version {}", app.spark_version);
      return "org.apache.spark.SparkContext";
    default:
      Fmt(out, "Created broadcast {} from save at NativeMethodAccessorImpl.java:0", p.broadcast);
      return "org.apache.spark.SparkContext";
  }
}

std::string_view ExecutorInfo(PodInfo& p, Rng& rng, std::string& out) {
  switch (rng.Below(10)) {
    case 0:
    case 1:
      p.task++;
      Fmt(out, "Running task {}.0 in stage {}.0 (TID {})", rng.Below(200), p.stage, p.task);
      return "org.apache.spark.executor.Executor";
    case 2:
    case 3:
      Fmt(out, "Finished task {}.0 in stage {}.0 (TID {}). {} bytes result sent to driver",
          rng.Below(200), p.stage, p.task, rng.Between(1500, 9000));
      if (rng.Chance(0.2)) p.stage++;
      return "org.apache.spark.executor.Executor";
    case 4:
      Fmt(out, "Started reading broadcast variable {} with 1 pieces (estimated total size "
          "4.0 MiB)", p.broadcast++);
      return "org.apache.spark.broadcast.TorrentBroadcast";
    case 5:
      Fmt(out, "Getting {} ({} MiB) non-empty blocks including {} ({} KiB) local and 0 (0.0 B) "
          "host-local and 0 (0.0 B) push-merged-local and {} ({} MiB) remote blocks",
          rng.Between(1, 400), Fixed{rng.Between(1, 9999), 1}, rng.Between(0, 20),
          Fixed{rng.Between(0, 9999), 1}, rng.Between(0, 380), Fixed{rng.Between(1, 9999), 1});
      return "org.apache.spark.storage.ShuffleBlockFetcherIterator";
    case 6:
      Fmt(out, "Reading File path: s3a://nyc-tlc/trip data/yellow_tripdata_2025-{}.parquet, "
          "range: 0-{}, partition values: [empty row]",
          Pick(rng, {"01", "02", "03", "04", "05", "06"}), rng.Between(1 << 20, 1 << 28));
      return "org.apache.spark.sql.execution.datasources.FileScanRDD";
    case 7:
      Fmt(out, "Block rdd_{}_{} stored as values in memory (estimated size {} KiB, free {} MiB)",
          p.rdd, rng.Below(200), Fixed{rng.Between(10, 99999), 1},
          Fixed{rng.Between(1000, 99999), 1});
      return "org.apache.spark.storage.memory.MemoryStore";
    case 8:
      Fmt(out, "Got assigned task {}", p.task + 1);
      return "org.apache.spark.executor.CoarseGrainedExecutorBackend";
    default:
      Fmt(out, "Code generated in {} ms", Fixed{rng.Between(1000, 400000), 6});
      return "org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator";
  }
}

std::string_view Warn(PodInfo& p, Rng& rng, std::string& out) {
  switch (rng.Below(6)) {
    case 0:
      out.append("Unable to load native-hadoop library for your platform... using builtin-java "
                 "classes where applicable");
      return "org.apache.hadoop.util.NativeCodeLoader";
    case 1: {
      int64_t port = rng.Between(4040, 4043);
      Fmt(out, "Service 'SparkUI' could not bind on port {}. Attempting port {}.", port,
          port + 1);
      return "org.apache.spark.util.Utils";
    }
    case 2: {
      int64_t exec = rng.Between(1, 8);
      Fmt(out, "Lost task {}.0 in stage {}.0 (TID {}) ({} executor {}): ExecutorLostFailure "
          "(executor {} exited caused by one of the running tasks) Reason: The executor with "
          "id {} exited with exit code 137(SIGKILL, possible container OOM).", rng.Below(200),
          p.stage, p.task, PeerIp(rng), exec, exec, exec);
      return "org.apache.spark.scheduler.TaskSetManager";
    }
    case 3:
      out.append("Cannot locate configuration: tried hadoop-metrics2-s3a-file-system.properties,"
                 "hadoop-metrics2.properties");
      return "org.apache.hadoop.metrics2.impl.MetricsConfig";
    case 4:
      Fmt(out, "Removing executor {} with no recent heartbeats: {} ms exceeds timeout 120000 ms",
          rng.Between(1, 8), rng.Between(120001, 400000));
      return "org.apache.spark.HeartbeatReceiver";
    default:
      out.append("Kubernetes client has been closed.");
      return "org.apache.spark.scheduler.cluster.k8s.ExecutorPodsWatchSnapshotSource";
  }
}

std::string_view Error(PodInfo& p, Rng& rng, std::string& out) {
  switch (rng.Below(4)) {
    case 0:
      Fmt(out, "Exception in task {}.0 in stage {}.0 (TID {})\\njava.io.IOException: No space "
          "left on device", rng.Below(200), p.stage, p.task);
      AppendFrames(rng, out, static_cast<int>(rng.Between(3, 24)));
      return "org.apache.spark.executor.Executor";
    case 1:
      Fmt(out, "Aborting job {}.\\norg.apache.spark.SparkException: Job aborted due to stage "
          "failure: Task {} in stage {}.0 failed 4 times, most recent failure: Lost task {}.3 "
          "in stage {}.0 (TID {}) ({} executor {}): java.lang.OutOfMemoryError: Java heap space",
          rng.Hex(8) + "-" + rng.Hex(4), rng.Below(200), p.stage, rng.Below(200), p.stage,
          p.task, PeerIp(rng), rng.Between(1, 8));
      AppendFrames(rng, out, static_cast<int>(rng.Between(4, 16)));
      out.append("\\nCaused by: java.lang.OutOfMemoryError: Java heap space");
      AppendFrames(rng, out, static_cast<int>(rng.Between(2, 8)));
      return "org.apache.spark.sql.execution.datasources.FileFormatWriter";
    case 2:
      Fmt(out, "Lost executor {} on {}: The executor with id {} exited with exit code 137.",
          p.exec_id ? p.exec_id : rng.Between(1, 8), PeerIp(rng),
          p.exec_id ? p.exec_id : rng.Between(1, 8));
      return "org.apache.spark.scheduler.cluster.k8s.KubernetesClusterSchedulerBackend";
    default:
      out.append("Dropping event from queue appStatus. This likely means one of the listeners "
                 "is too slow and cannot keep up with the rate at which tasks are being started "
                 "by the scheduler.");
      return "org.apache.spark.scheduler.AsyncEventQueue";
  }
}

std::string_view Debug(PodInfo& p, Rng& rng, std::string& out) {
  switch (rng.Below(4)) {
    case 0:
      Fmt(out, "Getting local block broadcast_{}", p.broadcast);
      return "org.apache.spark.storage.BlockManager";
    case 1:
      Fmt(out, "Level for block broadcast_{} is StorageLevel(disk, memory, deserialized, 1 "
          "replicas)", p.broadcast);
      return "org.apache.spark.storage.BlockManager";
    case 2:
      Fmt(out, "Task {} acquired {} MiB for org.apache.spark.util.collection.ExternalSorter@{}",
          p.task, Fixed{rng.Between(1, 99999), 1}, rng.Hex(8));
      return "org.apache.spark.memory.TaskMemoryManager";
    default:
      Fmt(out, "Got cleaning task CleanBroadcast({})", p.broadcast);
      return "org.apache.spark.ContextCleaner";
  }
}

// What a pod says first, in order, before its work starts.
std::string_view Startup(PodInfo& p, int64_t line, std::string& out) {
  const auto& app = *p.app;
  if (p.driver) {
    switch (line) {
      case 0:
        Fmt(out, "Running Spark version {}", app.spark_version);
        return "org.apache.spark.SparkContext";
      case 1:
        out.append("OS info Linux, 5.10.219-208.866.amzn2.x86_64, amd64");
        return "org.apache.spark.SparkContext";
      case 2:
        out.append("Java version 17.0.11");
        return "org.apache.spark.SparkContext";
      case 3:
        Fmt(out, "Submitted application: {}", app.app_name);
        return "org.apache.spark.SparkContext";
      default:
        out.append("Successfully started service 'sparkDriver' on port 7078.");
        return "org.apache.spark.util.Utils";
    }
  }
  switch (line) {
    case 0:
      Fmt(out, "Started daemon with process name: 14@{}", p.name);
      return "org.apache.spark.executor.CoarseGrainedExecutorBackend";
    case 1:
      out.append("Registered signal handler for TERM");
      return "org.apache.spark.util.SignalUtils";
    case 2:
      Fmt(out, "Successfully created connection to {}-driver-svc.{}.svc/{}:7078 after {} ms (0 ms "
          "spent in bootstraps)", app.app_name, app.namespace_name, p.pod_ip, p.clock_ns % 200);
      return "org.apache.spark.network.client.TransportClientFactory";
    case 3:
      Fmt(out, "Connecting to driver: spark://CoarseGrainedScheduler@{}-driver-svc.{}.svc:7078",
          app.app_name, app.namespace_name);
      return "org.apache.spark.executor.CoarseGrainedExecutorBackend";
    default:
      out.append("Successfully registered with driver");
      return "org.apache.spark.executor.CoarseGrainedExecutorBackend";
  }
}

}  // namespace

std::string_view AppendMessage(PodInfo& pod, Rng& rng, std::string_view level,
                               std::string& out) {
  const int64_t line = pod.lines++;
  if (line < kStartupLines) return Startup(pod, line, out);
  switch (level[0]) {
    case 'W':
      return Warn(pod, rng, out);
    case 'E':
      return Error(pod, rng, out);
    case 'D':
    case 'T':
      return Debug(pod, rng, out);
    default:
      return pod.driver ? DriverInfo(pod, rng, out) : ExecutorInfo(pod, rng, out);
  }
}

}  // namespace floe::testing::corpus
