package io.reactivemicro.benchmarks.report;

import io.reactivemicro.benchmarks.server.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the results were measured on, for {@code latest.json}'s {@code env}. */
final class Environment {

  private static final Pattern JAR = Pattern.compile("([a-zA-Z0-9.-]+?)-(\\d[\\w.-]*)\\.jar");
  private static final String[] LIBRARIES = {"rsocket-core", "grpc-core", "reactor-core", "reactor-netty-core",
      "netty-transport", "jackson-databind", "protobuf-java", "spring-boot", "spring-messaging", "jmh-core",
      "HdrHistogram"};

  private Environment() {}

  static Map<String, Object> describe(boolean quick, String loadBefore, Duration took) {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("cpu", cpuModel());
    env.put("cores", Runtime.getRuntime().availableProcessors());
    env.put("memory_gib", memoryGib());
    env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    env.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    env.put("jvm_flags", String.join(" ", ServerProcess.JVM_FLAGS));
    env.put("commit", System.getProperty("bench.commit", "unknown"));
    env.put("date", Instant.now().toString());
    env.put("mode", quick ? "quick" : "full");
    env.put("duration_s", took.toSeconds());
    env.put("load_average_before", loadBefore);
    env.put("load_average_after", loadAverage());
    env.put("libraries", libraries());
    return env;
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // Not Linux: fall through.
    }
    return System.getProperty("os.arch");
  }

  private static Object memoryGib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("\\D", ""));
          return Math.round(kib / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: fall through.
    }
    return "unknown";
  }

  private static Map<String, String> libraries() {
    Map<String, String> found = new TreeMap<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Matcher m = JAR.matcher(Path.of(entry).getFileName().toString());
      if (m.matches()) {
        for (String library : LIBRARIES) {
          if (library.equals(m.group(1))) {
            found.put(library, m.group(2));
          }
        }
      }
    }
    return found;
  }
}
