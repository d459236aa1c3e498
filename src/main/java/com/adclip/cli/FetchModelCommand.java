package com.adclip.cli;

import com.adclip.weights.Downloader;
import com.adclip.weights.ModelCache;
import com.adclip.weights.ModelRegistry;
import com.adclip.weights.ModelSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code adclip fetch-model NAME}: downloads a released CLIP checkpoint into the cache and verifies it. */
@Command(
        name = "fetch-model",
        mixinStandardHelpOptions = true,
        description = {
            "Download one of OpenAI's CLIP checkpoints into the model cache, check its sha256, and print its path.",
            "An interrupted download is resumed by running the command again. A file already in the cache is "
                    + "verified and kept."
        })
final class FetchModelCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME",
            description = "Model name: ViT-B/32, ViT-B/16, ViT-L/14 or ViT-L/14@336px (case and / vs - do not "
                    + "matter). See `adclip models`.")
    String name;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Cache directory (default: $ADCLIP_CACHE, else $XDG_CACHE_HOME/adclip, "
                    + "else ~/.cache/adclip).")
    Path cache;

    @Option(names = "--mirror", paramLabel = "URL",
            description = "Base URL that replaces https://openaipublic.azureedge.net, e.g. an internal mirror "
                    + "serving the same /clip/models/<sha256>/<file> paths (default: $ADCLIP_MODEL_MIRROR).")
    String mirror;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ModelSpec model = ModelRegistry.find(name);
        ModelCache modelCache = ModelCache.locate(cache);
        String source = ModelCache.mirror(mirror, System::getenv);
        ConsoleDownloadListener listener = new ConsoleDownloadListener(
                model.name(), spec.commandLine().getErr(), System.console() != null);
        Path path = new Downloader().fetch(modelCache.request(model, source), listener);
        spec.commandLine().getOut().println(path);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
