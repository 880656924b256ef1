import { dig, each, flowRule } from './residency-rule';

/** EFS replication copies a file system only into regions its markets allow. */
export const EfsReplication = flowRule({
  id: 'EfsReplication',
  info: 'The file system replicates to a region one of its markets does not allow.',
  explanation:
    'EFS replication keeps a full, continuously updated copy of the file system in the destination region. Replicate only to a region every market of the file system allows.',
  how: 'replicated-to',
  covers: { 'AWS::EFS::FileSystem': ['ReplicationConfiguration'] },
  flows: (props) =>
    each(dig(props, 'ReplicationConfiguration', 'Destinations'), 'ReplicationConfiguration.Destinations').map(
      ({ item, path }) => {
        // Without a Region, EFS replicates inside the source's region; an existing file system
        // named by ID, though, may be anywhere, so the ID must then be placed.
        const region = dig(item, 'Region');
        const fileSystem = dig(item, 'FileSystemId');
        return region !== undefined || fileSystem === undefined
          ? { value: region ?? { Ref: 'AWS::Region' }, via: `${path}.Region` }
          : { value: fileSystem, via: `${path}.FileSystemId` };
      },
    ),
});
