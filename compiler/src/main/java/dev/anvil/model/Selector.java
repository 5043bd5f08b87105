package dev.anvil.model;

import java.util.Set;

/**
 * Membership by rule: a host belongs to the group when every non-empty condition holds
 * (each condition: any of the listed values). Conditions look only at what a host declares itself,
 * never at resolved values, so membership cannot depend on policies.
 */
public record Selector(
    Set<String> acceleratorVendors, Set<String> acceleratorModels, Set<String> nicTypes, Set<String> providers) {

  public boolean matches(Host host, String provider) {
    Hardware hw = host.hardware();
    return (acceleratorVendors.isEmpty()
            || hw.accelerators().stream().anyMatch(a -> acceleratorVendors.contains(a.vendor())))
        && (acceleratorModels.isEmpty()
            || hw.accelerators().stream().anyMatch(a -> acceleratorModels.contains(a.model())))
        && (nicTypes.isEmpty() || hw.nics().stream().anyMatch(n -> nicTypes.contains(n.type())))
        && (providers.isEmpty() || providers.contains(provider));
  }
}
