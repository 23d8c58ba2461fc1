package io.edgeswarm.agent.swarm;

/**
 * Extra chunk requests for a download that lags the other downloaders of its zone. A swarm transfer is done when its
 * slowest member is, and the members' shares of the uploads drift apart at random (each uploader splits its link
 * among the requests it serves): at 16 hosts and 1 GiB the peers held 86-96 % when the origin had sent its one copy,
 * and the last one's download link, not the swarm's uploads, set the end. A download behind the others' mean keeps
 * more requests in flight, and so gets a larger share of every uploader it asks, until it has caught up; nobody gets
 * fewer than the configured budget. Bitfields learned a moment ago understate the others' progress, which keeps
 * downloads that are level from asking for more. Pure: the caller counts the chunks.
 */
final class CatchUp {

    private CatchUp() {
    }

    /**
     * @param held chunks this download holds
     * @param othersHeld total chunks the other downloaders of its zone hold, by their last known bitfields
     * @param others how many such downloaders there are; with none there is nobody to catch up with
     * @param budget the configured requests in flight per artifact
     * @param most the most extra requests allowed; {@code 0} turns catching up off
     * @return one extra request for each half budget of chunks this download lags the others' mean, up to
     *     {@code most}
     */
    static int extraRequests(long held, long othersHeld, int others, int budget, int most) {
        if (others <= 0 || most <= 0) {
            return 0;
        }
        double behind = (double) othersHeld / others - held;
        double chunksPerRequest = Math.max(1, budget / 2);
        return (int) Math.min(most, Math.max(0, Math.floor(behind / chunksPerRequest)));
    }
}
