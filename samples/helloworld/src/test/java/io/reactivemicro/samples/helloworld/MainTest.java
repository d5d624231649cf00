package io.reactivemicro.samples.helloworld;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void theFirstPlainArgumentIsTheAddress() {
    assertThat(Main.address(new String[] {":9090"})).isEqualTo(":9090");
    assertThat(Main.address(new String[] {"127.0.0.1:9090", "--registry=mdns"})).isEqualTo("127.0.0.1:9090");
    assertThat(Main.address(new String[] {"--registry=mdns", ":9090"})).isEqualTo(":9090");
    assertThat(Main.address(new String[] {"--registry", "mdns", ":9090"})).isEqualTo(":9090");
  }

  @Test
  void flagsAndTheirValuesAreNotTheAddress() {
    assertThat(Main.address(new String[] {})).isNull();
    assertThat(Main.address(new String[] {"--registry=mdns", "--server_address=:9090"})).isNull();
    assertThat(Main.address(new String[] {"--registry", "mdns"})).isNull();
  }
}
