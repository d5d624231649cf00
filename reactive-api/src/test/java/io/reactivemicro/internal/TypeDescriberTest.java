package io.reactivemicro.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.reactivemicro.registry.EndpointInfo;
import io.reactivemicro.registry.Value;
import io.reactivemicro.server.spi.Router;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class TypeDescriberTest {

  enum Status { NEW, SHIPPED }

  record Address(String city, int zip) {}

  record Customer(String name, Address address) {}

  record Item(String sku, long quantity, double price) {}

  record Order(
      String id,
      Customer customer,
      List<Item> items,
      Item[] extras,
      Map<String, Integer> counts,
      Status status,
      @JsonProperty("created_at") Instant createdAt,
      Optional<String> note,
      boolean gift,
      byte[] signature,
      @JsonIgnore String internal) {}

  record Receipt(String orderId, float total) {}

  record Tree(String label, List<Tree> children, Tree parent) {}

  record Ping(Pong pong) {}

  record Pong(Ping ping) {}

  static class Pojo {
    public String name;
    @JsonProperty("display_name")
    private String displayName;
    private transient String cache;
    public static String constant = "x";

    String displayName() {
      return displayName + cache;
    }
  }

  static class Orders {
    public Mono<Receipt> place(Order order) {
      return Mono.empty();
    }

    public Flux<Tree> walk(Tree root) {
      return Flux.empty();
    }

    public Mono<Ping> bounce(Pong pong) {
      return Mono.empty();
    }

    public Mono<Void> forget(Pojo pojo) {
      return Mono.empty();
    }

    public Mono<List<Item>> list() {
      return Mono.empty();
    }
  }

  private static final List<Value> NONE = List.of();

  private final Map<String, EndpointInfo> endpoints = describe();

  @Test
  void nestedRecordsAreDescribedFieldByField() {
    Value order = endpoints.get("Orders.Place").request();

    assertThat(order.name()).isEqualTo("Order");
    assertThat(order.type()).isEqualTo("Order");
    assertThat(field(order, "id")).isEqualTo(new Value("id", "string", NONE));
    assertThat(field(order, "customer")).isEqualTo(new Value("customer", "Customer", List.of(
        new Value("name", "string", NONE),
        new Value("address", "Address", List.of(
            new Value("city", "string", NONE),
            new Value("zip", "int32", NONE))))));
  }

  @Test
  void listsAndArraysAreSlicesOfTheirElement() {
    Value order = endpoints.get("Orders.Place").request();
    List<Value> itemFields = List.of(
        new Value("sku", "string", NONE),
        new Value("quantity", "int64", NONE),
        new Value("price", "float64", NONE));

    assertThat(field(order, "items")).isEqualTo(new Value("items", "[]Item", itemFields));
    assertThat(field(order, "extras")).isEqualTo(new Value("extras", "[]Item", itemFields));
    assertThat(endpoints.get("Orders.List").response().type()).isEqualTo("[]Item");
  }

  @Test
  void mapsAreGoMaps() {
    assertThat(field(endpoints.get("Orders.Place").request(), "counts"))
        .isEqualTo(new Value("counts", "map[string]int32", NONE));
  }

  @Test
  void scalarsUseGoMicrosVocabulary() {
    Value order = endpoints.get("Orders.Place").request();

    assertThat(field(order, "status")).as("enums are strings").isEqualTo(new Value("status", "string", NONE));
    assertThat(field(order, "note")).as("optionals are their content").isEqualTo(new Value("note", "string", NONE));
    assertThat(field(order, "gift").type()).isEqualTo("bool");
    assertThat(field(order, "signature").type()).isEqualTo("bytes");
    assertThat(endpoints.get("Orders.Place").response()).isEqualTo(new Value("Receipt", "Receipt", List.of(
        new Value("orderId", "string", NONE),
        new Value("total", "float32", NONE))));
  }

  @Test
  void jsonPropertyRenamesAndJsonIgnoreApplyToRecordComponents() {
    Value order = endpoints.get("Orders.Place").request();

    assertThat(order.values()).extracting(Value::name)
        .contains("created_at")
        .doesNotContain("createdAt", "internal");
    assertThat(field(order, "created_at").type()).isEqualTo("timestamp");
  }

  @Test
  void pojoFieldsFollowJsonNamesAndSkipStaticAndTransient() {
    Value pojo = endpoints.get("Orders.Forget").request();

    assertThat(pojo.values()).containsExactly(
        new Value("name", "string", NONE),
        new Value("display_name", "string", NONE));
    assertThat(endpoints.get("Orders.Forget").response()).as("Mono<Void> has no response").isNull();
  }

  @Test
  void recursiveTypesTerminate() {
    Value tree = endpoints.get("Orders.Walk").request();

    assertThat(tree).isEqualTo(new Value("Tree", "Tree", List.of(
        new Value("label", "string", NONE),
        new Value("children", "[]Tree", NONE),
        new Value("parent", "Tree", NONE))));
    assertThat(endpoints.get("Orders.Bounce").request()).isEqualTo(new Value("Pong", "Pong", List.of(
        new Value("ping", "Ping", List.of(new Value("pong", "Pong", NONE))))));
  }

  @Test
  void endpointMetadataSaysStreamingAndIdempotence() {
    assertThat(endpoints.get("Orders.Walk").metadata()).containsEntry("stream", "true");
    assertThat(endpoints.get("Orders.Place").metadata()).isEmpty();
  }

  private static Value field(Value value, String name) {
    return value.values().stream()
        .filter(v -> v.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(value.type() + " has no field " + name + ": " + value.values()));
  }

  private static Map<String, EndpointInfo> describe() {
    List<EndpointInfo> infos = Router.builder("orders").handler(new Orders()).build().describe();
    Map<String, EndpointInfo> byName = new java.util.LinkedHashMap<>();
    infos.forEach(info -> byName.put(info.name(), info));
    return byName;
  }
}
