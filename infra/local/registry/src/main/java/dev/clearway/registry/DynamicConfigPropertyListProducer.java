// Clearway: stands in for the build step of Apicurio's config-index Quarkus extension, whose
// deployment artifact is not available from the package registry reachable here. It discovers
// @Dynamic @ConfigProperty fields on the application's beans at start-up.
package dev.clearway.registry;

import io.apicurio.common.apps.config.Dynamic;
import io.apicurio.common.apps.config.DynamicConfigPropertyDef;
import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

@ApplicationScoped
@Unremovable
public class DynamicConfigPropertyListProducer {

    @Inject
    BeanManager beanManager;

    @Produces
    @Singleton
    @Unremovable
    public DynamicConfigPropertyList dynamicConfigPropertyList() {
        List<DynamicConfigPropertyDef> defs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<Class<?>> visited = new HashSet<>();
        for (Bean<?> bean : beanManager.getBeans(Object.class, jakarta.enterprise.inject.Any.Literal.INSTANCE)) {
            for (Class<?> c = bean.getBeanClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                if (!visited.add(c)) {
                    break;
                }
                Field[] fields;
                try {
                    fields = c.getDeclaredFields();
                } catch (Throwable t) {
                    break;
                }
                for (Field f : fields) {
                    Dynamic dyn = f.getAnnotation(Dynamic.class);
                    ConfigProperty cp = f.getAnnotation(ConfigProperty.class);
                    if (dyn == null || cp == null || !seen.add(cp.name())) {
                        continue;
                    }
                    Class<?> type = String.class;
                    Type gt = f.getGenericType();
                    if (gt instanceof ParameterizedType) {
                        Type arg = ((ParameterizedType) gt).getActualTypeArguments()[0];
                        if (arg instanceof Class) {
                            type = (Class<?>) arg;
                        }
                    }
                    String dv = ConfigProperty.UNCONFIGURED_VALUE.equals(cp.defaultValue()) ? null : cp.defaultValue();
                    DynamicConfigPropertyDef def = new DynamicConfigPropertyDef(cp.name(), type, dv);
                    def.setLabel(dyn.label());
                    def.setDescription(dyn.description());
                    def.setRequires(dyn.requires());
                    defs.add(def);
                }
            }
        }
        return new DynamicConfigPropertyList(defs);
    }
}
