package dev.anvil.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.anvil.diag.Diagnostics;
import dev.anvil.model.Hardware;
import dev.anvil.model.Host;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelMapperTest {
  private static final String HOST = "kind: Host\nname: %s\naddress: 10.0.0.%d\nprimary_group: infrastructure:dc1/rack-a\n";
  private static final String H100 = "hardware:\n  cpu: {cores: 64}\n  accelerators: [{vendor: nvidia, model: H100, count: 8}]\n";

  @Test
  void hostsWithTheSameHardwareShareOneRecordAndOthersKeepTheirOwn() {
    Diagnostics d = new Diagnostics();
    String text = String.join("---\n", HOST.formatted("a", 1) + H100, HOST.formatted("b", 2) + H100,
        HOST.formatted("c", 3) + H100.replace("count: 8", "count: 4"), HOST.formatted("d", 4));
    ModelMapper mapper = new ModelMapper();
    YamlReader.read(new SourceFile("hosts.yaml", text), d).forEach(mapper::add);
    assertEquals(List.of(), d.all());
    List<Host> hosts = mapper.result().hosts();
    assertSame(hosts.get(0).hardware(), hosts.get(1).hardware());
    assertEquals(List.of(new Hardware.Accelerator("nvidia", "H100", 8, null)), hosts.get(0).hardware().accelerators());
    assertNotEquals(hosts.get(0).hardware(), hosts.get(2).hardware());
    assertEquals(4, hosts.get(2).hardware().accelerators().get(0).count());
    assertSame(Hardware.NONE, hosts.get(3).hardware());
    assertSame(hosts.get(0).primaryGroup(), hosts.get(3).primaryGroup());
  }
}
