// Clearway compatibility shim. Apicurio Registry 3.0.9 expects these types from the
// io.apicurio:apicurio-registry-config-definitions artifact, which is not available from the
// package registry reachable here. Written from the types the app jar references (javap), not copied.
package io.apicurio.common.apps.config;

import java.util.Objects;

public class DynamicConfigPropertyDto {
    private String name;
    private String value;

    public DynamicConfigPropertyDto() {
    }

    public DynamicConfigPropertyDto(String name, String value) {
        this.name = name;
        this.value = value;
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getValue() { return value; }
    public void setValue(String value) { this.value = value; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DynamicConfigPropertyDto)) {
            return false;
        }
        DynamicConfigPropertyDto other = (DynamicConfigPropertyDto) o;
        return Objects.equals(name, other.name) && Objects.equals(value, other.value);
    }

    @Override
    public int hashCode() { return Objects.hash(name, value); }

    @Override
    public String toString() { return "DynamicConfigPropertyDto[" + name + "=" + value + "]"; }
}
