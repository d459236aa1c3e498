package com.adclip.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCacheTest {

    private static final Path HOME = Path.of("/home/user");

    @Test
    void explicitDirectoryWins() {
        Path dir = Path.of("/somewhere");
        assertEquals(dir, ModelCache.resolveDir(dir, Map.of("ADCLIP_CACHE", "/env")::get, HOME));
    }

    @Test
    void adclipCacheBeatsXdg() {
        Map<String, String> env = Map.of("ADCLIP_CACHE", "/env/cache", "XDG_CACHE_HOME", "/xdg");
        assertEquals(Path.of("/env/cache"), ModelCache.resolveDir(null, env::get, HOME));
    }

    @Test
    void xdgCacheHomeIsUsedWhenAbsolute() {
        assertEquals(Path.of("/xdg/adclip"),
                ModelCache.resolveDir(null, Map.of("XDG_CACHE_HOME", "/xdg")::get, HOME));
        assertEquals(Path.of("/home/user/.cache/adclip"),
                ModelCache.resolveDir(null, Map.of("XDG_CACHE_HOME", "relative")::get, HOME));
    }

    @Test
    void defaultIsUnderHomeAndEmptyVariablesCountAsUnset() {
        Map<String, String> env = Map.of("ADCLIP_CACHE", "", "XDG_CACHE_HOME", "");
        assertEquals(Path.of("/home/user/.cache/adclip"), ModelCache.resolveDir(null, env::get, HOME));
    }

    @Test
    void mirrorOptionBeatsEnvironment() {
        Map<String, String> env = Map.of("ADCLIP_MODEL_MIRROR", "https://env.mirror");
        assertEquals("https://opt.mirror", ModelCache.mirror("https://opt.mirror", env::get));
        assertEquals("https://env.mirror", ModelCache.mirror(null, env::get));
        assertNull(ModelCache.mirror(null, Map.<String, String>of()::get));
    }

    @Test
    void filesAreNamedAfterTheUrlsLastSegment(@TempDir Path tmp) throws IOException {
        ModelCache cache = new ModelCache(tmp);
        ModelSpec model = ModelRegistry.find("ViT-B/16");
        assertEquals(tmp.resolve("ViT-B-16.pt"), cache.pathOf(model));
        assertEquals(OptionalLong.empty(), cache.cachedSize(model));

        Files.write(tmp.resolve("ViT-B-16.pt.part"), new byte[10]);
        assertEquals(OptionalLong.of(10), cache.partialSize(model));
        Files.write(tmp.resolve("ViT-B-16.pt"), new byte[20]);
        assertEquals(OptionalLong.of(20), cache.cachedSize(model));

        Download download = cache.request(model, "http://127.0.0.1:1");
        assertEquals("http://127.0.0.1:1/clip/models/" + model.sha256() + "/ViT-B-16.pt", download.url().toString());
        assertEquals(model.sha256(), download.sha256());
        assertTrue(download.partFile().toString().endsWith("ViT-B-16.pt.part"));
    }
}
