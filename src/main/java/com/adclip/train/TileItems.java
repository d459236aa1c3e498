package com.adclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.data.MaskShape;
import com.adclip.data.MaskSource;
import com.adclip.data.Sample;
import com.adclip.image.ImagePreprocessor;
import com.adclip.tile.Tile;
import com.adclip.tile.TileGrid;
import com.adclip.tile.TileLabels;
import com.adclip.tile.Tiling;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Training on tiles: every image yields the tiles prediction would cut from it ({@link Tiling#layout}), each a
 * {@link TrainItem} with its own label and S×S mask (see {@link TileLabels}):
 *
 * <ul>
 *   <li>a good image: every tile good, all-zero masks;
 *   <li>a defect with a mask (file or polygons): a tile is defective when it holds a defect pixel, its mask is the
 *       full-resolution mask cut to it;
 *   <li>a defect with boxes only: a tile is defective when it holds at least {@link TileLabels#BOX_SHARE} of a
 *       box (mask: the boxes cut to it); a tile that holds less of a box is left out, since whether it shows the
 *       defect is unknown; a tile touching no box is good;
 *   <li>a defect with neither: which tile shows it is unknown, so the image is left out (counted in
 *       {@link Result#unlocated}).
 * </ul>
 *
 * <p>Each image is decoded once, at full resolution, and all its tiles' features go into the feature cache then
 * (keys: {@link TrainItem#cacheKey}), so epochs read tiles from the cache and never decode the image again.
 */
public final class TileItems {
    private TileItems() {}

    /**
     * @param items the tiles, image after image, row-major within an image
     * @param unlocated defective images left out because neither a mask nor boxes locate their defect
     * @param uncertain tiles left out because they hold a box only in part
     */
    public record Result(List<TrainItem> items, int unlocated, int uncertain) {}

    /**
     * The tiles of {@code samples} as training items, their features put in {@code cache}.
     *
     * @param maxPixels larger images are refused before decoding
     */
    public static Result of(List<Sample> samples, Tiling tiling, ImagePreprocessor preprocessor, FeatureCache cache,
            long maxPixels, NDManager manager) {
        return of(samples, tiling, preprocessor, cache, maxPixels, 1, manager);
    }

    /**
     * As above, encoding each image's tiles {@code tileBatch} at a time ({@code train --tile-batch}): memory holds
     * at most that many tiles' inputs and activations.
     */
    public static Result of(List<Sample> samples, Tiling tiling, ImagePreprocessor preprocessor, FeatureCache cache,
            long maxPixels, int tileBatch, NDManager manager) {
        List<TrainItem> items = new ArrayList<>();
        int unlocated = 0;
        int uncertain = 0;
        for (Sample sample : samples) {
            if (sample.anomaly() && sample.mask().isEmpty()) {
                unlocated++;
                continue;
            }
            ImagePreprocessor.Source source = preprocessor.load(sample.image(), maxPixels);
            TileGrid grid = tiling.layout(source.width(), source.height(), preprocessor.config().size());
            Truth truth = Truth.of(sample);
            String hash = FeatureCache.contentHash(sample.image());
            List<TrainItem> imageItems = new ArrayList<>();
            for (Tile tile : grid.tiles()) {
                TrainItem item = truth.item(sample.image(), hash, tile, tiling, preprocessor, manager);
                if (item == null) {
                    uncertain++;
                    continue;
                }
                imageItems.add(item);
            }
            int size = preprocessor.config().size();
            cache.fill(imageItems.stream().map(TrainItem::cacheKey).toList(),
                    (i, scope) -> tilePixels(source, imageItems.get(i).tile(), size, scope), tileBatch, manager);
            items.addAll(imageItems);
        }
        return new Result(items, unlocated, uncertain);
    }

    /** The model input [3, S, S] of an item's tile, decoding its image (cache misses after {@link #of}). */
    public static NDArray pixels(TrainItem item, ImagePreprocessor preprocessor, long maxPixels, NDManager scope) {
        ImagePreprocessor.Source source = preprocessor.load(item.image(), maxPixels);
        return tilePixels(source, item.tile(), preprocessor.config().size(), scope);
    }

    private static NDArray tilePixels(ImagePreprocessor.Source source, Tile tile, int size, NDManager scope) {
        float[] pixels = source.region(tile.x(), tile.y(), tile.width(), tile.height()).pixels();
        return scope.create(pixels, new Shape(3, size, size)); // [3, S, S]
    }

    /** An image's ground truth: good, a full-resolution mask, or boxes (with their rasterised mask). */
    private record Truth(boolean anomalous, BufferedImage mask, List<Rectangle2D> boxes) {
        static Truth of(Sample sample) {
            if (!sample.anomaly()) {
                return new Truth(false, null, null);
            }
            BufferedImage mask = sample.maskGray();
            List<Rectangle2D> boxes = sample.mask().get() instanceof MaskSource.Drawn drawn ? boxesOnly(drawn) : null;
            return new Truth(true, mask, boxes);
        }

        /** The drawn shapes as rectangles when they are all boxes, else null (polygons locate pixels). */
        private static List<Rectangle2D> boxesOnly(MaskSource.Drawn drawn) {
            List<Rectangle2D> boxes = new ArrayList<>();
            for (MaskShape shape : drawn.shapes()) {
                if (!(shape instanceof MaskShape.Box b)) {
                    return null;
                }
                boxes.add(new Rectangle2D.Double(b.x(), b.y(), b.w(), b.h()));
            }
            return boxes;
        }

        /** The tile as an item, or null when its label is uncertain (part of a box). */
        TrainItem item(Path image, String hash, Tile tile, Tiling tiling, ImagePreprocessor preprocessor,
                NDManager manager) {
            int s = preprocessor.config().size();
            String key = tiling.isAuto() ? "auto" : tiling.size() + "/" + tiling.stride(); // the layout
            if (!anomalous) {
                return new TrainItem(image, hash, false, new byte[s * s], tile, key);
            }
            if (boxes == null) {
                boolean defect = TileLabels.anomalous(mask, tile);
                return new TrainItem(image, hash, defect, TileLabels.mask(mask, tile, preprocessor, manager), tile,
                        key);
            }
            if (TileLabels.anomalous(boxes, tile)) {
                return new TrainItem(image, hash, true, TileLabels.mask(mask, tile, preprocessor, manager), tile, key);
            }
            Rectangle2D area = new Rectangle2D.Double(tile.x(), tile.y(), tile.width(), tile.height());
            boolean touches = boxes.stream().anyMatch(box -> box.intersects(area));
            return touches ? null : new TrainItem(image, hash, false, new byte[s * s], tile, key);
        }
    }
}
