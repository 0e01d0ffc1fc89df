<?php
// cron: when the last numbered room of a lobby fills up, open the next one
// ("Room 7" -> "Room 8"); written for PHP 5, where /e was how a match was computed
require 'config.php';
foreach (list_rooms($lobby) as $room) {
    if ($room['players'] >= $room['capacity'] && $room === end($rooms)) {
        $regex = '/([0-9]{1,3})/e';
        $next = '("$1" + 1)';
        create_room($lobby, preg_replace($regex, $next, $room['name']));
    }
}
echo preg_replace('/\b([a-z])/e', 'strtoupper("\\1")', 'rooms checked') . "\n";
