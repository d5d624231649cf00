package io.reactivemicro.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.registry.EndpointInfo;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.ServiceInfo;
import io.reactivemicro.registry.Value;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceJsonTest {

  @Test
  void goMicrosJsonWithNullAndMissingCollectionsIsRead() {
    String json = """
        {"name":"greeter","version":"latest","metadata":null,
         "endpoints":[{"name":"Greeter.Hello","request":{"name":"Request","type":"Request","values":null},
                       "response":null,"metadata":{"stream":"false"}}],
         "nodes":[{"id":"greeter-1","address":"10.0.0.1:8080","metadata":null},{"id":"greeter-2","address":"10.0.0.2:8080"}]}
        """;

    ServiceInfo info = ServiceJson.decode(json.getBytes(StandardCharsets.UTF_8));

    assertThat(info).isEqualTo(new ServiceInfo("greeter", "latest", Map.of(),
        List.of(new EndpointInfo("Greeter.Hello", new Value("Request", "Request", List.of()), null,
            Map.of("stream", "false"))),
        List.of(Node.of("greeter-1", "10.0.0.1:8080"), Node.of("greeter-2", "10.0.0.2:8080"))));
  }

  @Test
  void serviceWithoutEndpointsOrNodesIsRead() {
    ServiceInfo info = ServiceJson.decode("{\"name\":\"a\",\"version\":\"1\",\"endpoints\":null}"
        .getBytes(StandardCharsets.UTF_8));

    assertThat(info).isEqualTo(new ServiceInfo("a", "1", Map.of(), List.of(), List.of()));
  }

  @Test
  void somethingElseIsNotAService() {
    assertThat(ServiceJson.decode("not json".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(ServiceJson.decode("{\"version\":\"1\"}".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(ServiceJson.decode("[1,2]".getBytes(StandardCharsets.UTF_8))).isNull();
  }
}
